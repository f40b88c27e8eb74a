// What the model details page shows about one model, read by the engine's model reader
// (hearth::inspect_model, as `hearth-cli inspect` does): headers only, no weights are loaded.
// Call it off the GUI thread (ModelDetails does); a large model's tokenizer takes a moment.
#pragma once

#include <QString>
#include <QStringList>
#include <QVariantMap>

struct ModelDetailsInfo {
    QString path;              // the .gguf file or the Hugging Face folder, absolute
    QString name;              // the file's name, or the folder's repository ("openai/gpt-oss-20b")
    qint64 bytes = 0;          // on disk, whether or not the files can be read
    QString error;             // why the files cannot be read; the fields below are then empty
    QString title;             // general.name in a GGUF; empty when it has none
    QString format;            // "GGUF v3" or "safetensors"
    QString architecture;      // "gpt-oss"
    quint64 parameters = 0;    // weights and biases, counted from the hyperparameters
    QStringList expertTypes;   // the expert matrices' stored types: {"MXFP4"}
    QStringList otherTypes;    // every other weight's: {"F32", "Q8_0"}
    quint32 contextLength = 0; // the longest context the model was trained for
    quint32 slidingWindow = 0; // positions the sliding-window layers attend to
    quint32 yarnOriginalContext = 0; // the context before YaRN stretched it; 0 without YaRN
    QString license;                 // as the files state it; empty when they do not
};

ModelDetailsInfo readModelDetails(const QString& path);

// For QML: the same fields by name, plus sizeText ("12.81 GiB").
QVariantMap toVariant(const ModelDetailsInfo& info);
