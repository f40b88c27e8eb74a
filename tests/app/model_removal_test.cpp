// Remove… deletes only model files: a GGUF (a truncated one too), or the model's files in a
// Hugging Face folder with the cache blobs behind them; anything else is refused or kept.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include "ModelRemoval.h"

namespace {

const QString tinyDir = QStringLiteral(HEARTH_TINY_MODEL_DIR);

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly)) << path.toStdString();
    file.write(bytes);
}

// The tiny Hugging Face folder's files, copied into `to`.
void copyTinyFolder(const QString& to) {
    ASSERT_TRUE(QDir().mkpath(to));
    const QDir from(tinyDir + "/tiny-gpt-oss-hf");
    for (const QString& name : from.entryList(QDir::Files))
        ASSERT_TRUE(QFile::copy(from.filePath(name), to + "/" + name));
}

QStringList fileNames(const QStringList& paths) {
    QStringList names;
    for (const QString& path : paths)
        names.append(QFileInfo(path).fileName());
    return names;
}

class ModelRemovalTest : public ::testing::Test {
  protected:
    QString path(const QString& name) const { return dir_.filePath(name); }
    QTemporaryDir dir_;
};

TEST_F(ModelRemovalTest, AGgufFileIsDeleted) {
    const QString model = path("gpt-oss-20b-mxfp4.gguf");
    ASSERT_TRUE(QFile::copy(tinyDir + "/tiny-gpt-oss.gguf", model));
    const ModelRemoval removal = planModelRemoval(model);
    EXPECT_EQ(removal.refusal, "");
    EXPECT_EQ(removal.files, QStringList{model});
    EXPECT_EQ(removal.bytes, QFileInfo(tinyDir + "/tiny-gpt-oss.gguf").size());
    EXPECT_EQ(removeModelFiles(model, removal), "");
    EXPECT_FALSE(QFileInfo::exists(model));
    EXPECT_TRUE(QFileInfo::exists(dir_.path())); // the folder it was in stays
}

TEST_F(ModelRemovalTest, ATruncatedGgufCanBeRemoved) {
    const QString model = path("gpt-oss-20b-mxfp4.gguf");
    writeFile(model, "GGUF\x03\x00");
    EXPECT_EQ(planModelRemoval(model).files, QStringList{model});
}

TEST_F(ModelRemovalTest, WhatIsNoModelIsRefused) {
    writeFile(path("notes.gguf"), "not a model");
    writeFile(path("model.bin"), "GGUF"); // the magic, but not a .gguf
    const QString other = path("llama");
    ASSERT_TRUE(QDir().mkpath(other));
    writeFile(other + "/config.json", R"({"model_type": "llama"})");
    for (const QString& refused :
         {path("notes.gguf"), path("model.bin"), other, dir_.path(), path("missing.gguf")}) {
        const ModelRemoval removal = planModelRemoval(refused);
        EXPECT_NE(removal.refusal, "") << refused.toStdString();
        EXPECT_TRUE(removal.files.isEmpty()) << refused.toStdString();
        EXPECT_EQ(removeModelFiles(refused, removal), "");
    }
    EXPECT_TRUE(QFileInfo::exists(path("notes.gguf")));
    EXPECT_TRUE(QFileInfo::exists(path("model.bin")));
    EXPECT_TRUE(QFileInfo::exists(other + "/config.json"));
    EXPECT_EQ(planModelRemoval(path("model.bin")).refusal,
              path("model.bin") + " is not a GGUF model file.");
}

TEST_F(ModelRemovalTest, AFolderLosesOnlyItsModelFiles) {
    const QString folder = path("gpt-oss-20b");
    copyTinyFolder(folder);
    writeFile(folder + "/README.md", "---\nlicense: apache-2.0\n---\n");
    writeFile(folder + "/my notes.txt", "keep me");
    const ModelRemoval removal = planModelRemoval(folder);
    EXPECT_EQ(removal.refusal, "");
    EXPECT_EQ(fileNames(removal.files),
              (QStringList{"README.md", "config.json", "model-00001-of-00002.safetensors",
                           "model-00002-of-00002.safetensors", "model.safetensors.index.json",
                           "tokenizer.json"}));
    EXPECT_EQ(removeModelFiles(folder, removal), "");
    EXPECT_EQ(QDir(folder).entryList(QDir::Files), QStringList{"my notes.txt"});
}

TEST_F(ModelRemovalTest, AFolderWithNothingElseGoesToo) {
    const QString folder = path("gpt-oss-20b");
    copyTinyFolder(folder);
    EXPECT_EQ(removeModelFiles(folder, planModelRemoval(folder)), "");
    EXPECT_FALSE(QFileInfo::exists(folder));
}

// huggingface_hub's cache: snapshots/REVISION/NAME links to blobs/HASH, which holds the bytes.
TEST_F(ModelRemovalTest, TheHuggingFaceCacheLosesTheBlobsBehindTheSnapshot) {
    const QString repo = path("hub/models--openai--gpt-oss-20b");
    const QString snapshot = repo + "/snapshots/abc123";
    copyTinyFolder(repo + "/blobs");
    ASSERT_TRUE(QDir().mkpath(snapshot));
    qint64 blobBytes = 0;
    for (const QFileInfo& blob : QDir(repo + "/blobs").entryInfoList(QDir::Files)) {
        ASSERT_TRUE(
            QFile::link("../../blobs/" + blob.fileName(), snapshot + "/" + blob.fileName()));
        blobBytes += blob.size();
    }
    writeFile(repo + "/refs_main", "abc123");
    const ModelRemoval removal = planModelRemoval(snapshot);
    EXPECT_EQ(removal.refusal, "");
    EXPECT_EQ(removal.files.size(), 2 * QDir(snapshot).entryList(QDir::Files).size());
    EXPECT_EQ(removal.bytes, blobBytes);
    EXPECT_EQ(removeModelFiles(snapshot, removal), "");
    EXPECT_FALSE(QFileInfo::exists(snapshot));
    EXPECT_TRUE(QDir(repo + "/blobs").isEmpty());
    EXPECT_TRUE(QFileInfo::exists(repo + "/refs_main"));
}

} // namespace
