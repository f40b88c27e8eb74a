#include "ModelRemoval.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "ModelDiscovery.h"

namespace {

// The files a model repository on the Hugging Face Hub holds beside its weights.
const QStringList folderModelFiles = {QStringLiteral("config.json"),
                                      QStringLiteral("generation_config.json"),
                                      QStringLiteral("*.safetensors"),
                                      QStringLiteral("*.safetensors.index.json"),
                                      QStringLiteral("tokenizer.json"),
                                      QStringLiteral("tokenizer_config.json"),
                                      QStringLiteral("special_tokens_map.json"),
                                      QStringLiteral("chat_template.jinja"),
                                      QStringLiteral("README.md"),
                                      QStringLiteral("LICENSE"),
                                      QStringLiteral("USAGE_POLICY"),
                                      QStringLiteral(".gitattributes")};

bool startsWithGgufMagic(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(4) == "GGUF";
}

ModelRemoval refuse(const QString& reason) { return {{}, 0, reason, false}; }

// The Hugging Face cache keeps a snapshot's files as links into the repository's blobs folder:
// those blobs hold the bytes.
void addFolderFile(ModelRemoval& removal, const QFileInfo& file, const QDir& blobs) {
    removal.files.append(file.absoluteFilePath());
    if (!file.isSymLink()) {
        removal.bytes += file.size();
        return;
    }
    const QFileInfo target(file.symLinkTarget());
    if (target.isFile() && target.absolutePath() == blobs.absolutePath()) {
        removal.files.append(target.absoluteFilePath());
        removal.bytes += target.size();
    }
}

} // namespace

ModelRemoval planModelRemoval(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists())
        return refuse(QCoreApplication::translate("ModelRemoval", "%1 does not exist.").arg(path));
    if (info.isFile()) {
        if (!info.fileName().endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ||
            !startsWithGgufMagic(path))
            return refuse(
                QCoreApplication::translate("ModelRemoval", "%1 is not a GGUF model file.")
                    .arg(path));
        return {{info.absoluteFilePath()}, info.isSymLink() ? 0 : info.size(), {}, false};
    }
    const QDir folder(info.absoluteFilePath());
    if (!info.isDir() || !isGptOssFolder(folder))
        return refuse(
            QCoreApplication::translate("ModelRemoval", "%1 is not a Hugging Face gpt-oss folder.")
                .arg(path));
    // models--ORG--NAME/snapshots/REVISION -> models--ORG--NAME/blobs
    const QDir blobs(folder.absoluteFilePath(QStringLiteral("../../blobs")));
    ModelRemoval removal;
    removal.folder = true;
    const auto files =
        folder.entryInfoList(folderModelFiles, QDir::Files | QDir::Hidden, QDir::Name);
    for (const QFileInfo& file : files)
        addFolderFile(removal, file, blobs);
    return removal;
}

QString removeModelFiles(const QString& path, const ModelRemoval& removal) {
    for (const QString& file : removal.files) {
        if (!QFile::remove(file))
            return QCoreApplication::translate("ModelRemoval", "Could not delete %1.").arg(file);
    }
    if (QFileInfo(path).isDir()) QDir().rmdir(path); // only when nothing else is left in it
    return {};
}
