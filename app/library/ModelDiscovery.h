// Finds gpt-oss models already on this computer: in the folders of LM Studio, GPT4All, the
// Hugging Face cache, ~/Downloads and folders the user added. Each candidate is checked by
// reading its headers (the engine's model readers), never by loading weights. Nothing touches the
// network.
#pragma once

#include <QDir>
#include <QFileInfo>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>

#include "hearth/fit_check.h"

struct DiscoveredModel {
    QString path;   // the .gguf file or the Hugging Face folder
    QString name;   // for display: general.name, else the file or repository name
    QString format; // "GGUF" or "Hugging Face folder"
    QString source; // "LM Studio", "GPT4All", "Hugging Face cache", "Downloads", "Added folder"
    qint64 fileBytes = 0;
    bool valid = false;
    QString problem; // why it cannot be used (valid == false)
    // The fit check against the memory given to discoverModels (CPU backend).
    bool fits = false;
    quint32 context = 0; // the context it would open with
    QString fitText; // The file's name, or a folder's: its repository for the Hugging Face cache
    // ("models--openai--gpt-oss-20b/snapshots/<hash>" -> "openai/gpt-oss-20b").
    QString modelDisplayName(const QFileInfo& info);

    // A folder whose config.json says model_type gpt_oss (a Hugging Face checkpoint).
    bool isGptOssFolder(const QDir& dir);

    // Bytes of a file, or of the files directly in a folder (what links point to, in the Hugging
    // Face cache).
    qint64 sizeOnDisk(const QFileInfo& info);

    // "Fits: needs 15.13 GiB of 16.00 GiB, 32768-token context"
    QString fitAdvice; // what to change when it does not fit (hearth::FitReport::advice)
};

struct SearchRoot {
    QString folder;
    QString source;
    int depth = 3; // folders below `folder` that are searched
};

// The standard places under `home` (those that exist), then `extraFolders`. The Hugging Face
// cache moves where HF_HUB_CACHE or HF_HOME say, as huggingface_hub's does.
QList<SearchRoot> standardSearchRoots(const QString& home, const QStringList& extraFolders);

// Every gpt-oss model under `roots`, each once (by canonical path). Unusable files whose name or
// config says gpt-oss are listed with their problem; other files are skipped silently.
// `memoryBytes` sizes the fit line (0: no fit check).
QList<DiscoveredModel> discoverModels(const QList<SearchRoot>& roots, std::uint64_t memoryBytes);

// The file's name, or a folder's: its repository for the Hugging Face cache
// ("models--openai--gpt-oss-20b/snapshots/<hash>" -> "openai/gpt-oss-20b").
QString modelDisplayName(const QFileInfo& info);

// A folder whose config.json says model_type gpt_oss (a Hugging Face checkpoint).
bool isGptOssFolder(const QDir& dir);

// Bytes of a file, or of the files directly in a folder (what links point to, in the Hugging Face
// cache).
qint64 sizeOnDisk(const QFileInfo& info);

// "Fits: needs 15.13 GiB of 16.00 GiB, 32768-token context" or "Does not fit: needs …, this
// computer has …".
QString fitLine(const hearth::FitReport& fit);

// One model the user picked, described like the found ones.
DiscoveredModel describeModel(const QString& path, const QString& source,
                              std::uint64_t memoryBytes);
