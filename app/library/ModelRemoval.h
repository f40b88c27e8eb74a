// What "Remove…" on the model details page deletes, decided before the user confirms: a .gguf
// file (it must begin with the GGUF magic, so a truncated download can go too), or the files of a
// Hugging Face gpt-oss folder that belong to the model (config, weights, tokenizer, the Hub's
// README and license) and, in the Hugging Face cache, the blobs those link to. Nothing else is
// ever listed: a folder keeps any other file, and a path that is no model is refused.
#pragma once

#include <QString>
#include <QStringList>

struct ModelRemoval {
    QStringList files;   // absolute paths; empty when refused
    qint64 bytes = 0;    // what deleting them frees
    QString refusal;     // why nothing may be removed, for the user; empty when `files` can go
    bool folder = false; // a Hugging Face folder's files rather than one .gguf file
};

ModelRemoval planModelRemoval(const QString& path);

// Deletes `removal.files`, then the folder `path` when that left it empty. Stops at the first
// file that cannot be deleted and names it; returns an empty string when all went.
QString removeModelFiles(const QString& path, const ModelRemoval& removal);
