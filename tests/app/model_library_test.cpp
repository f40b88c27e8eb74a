// ModelLibrary, the QML side of discovery: it searches under $HOME by default, scans in the
// background, and remembers added folders.
#include <gtest/gtest.h>

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

#include "ModelLibrary.h"

namespace {

namespace fs = std::filesystem;

class ModelLibraryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(temp_.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, temp_.path());
        old_home_ = qgetenv("HOME");
        old_data_ = qgetenv("XDG_DATA_HOME");
        home_ = fs::path(temp_.path().toStdString()) / "home";
        qputenv("HOME", QByteArray::fromStdString(home_.string()));
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString((home_ / ".local/share").string()));
        const auto at = home_ / ".lmstudio/models/lmstudio-community/gpt-oss-20b-GGUF";
        fs::create_directories(at);
        fs::create_symlink(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss.gguf",
                           at / "gpt-oss-20b-MXFP4.gguf");
    }

    void TearDown() override {
        qputenv("HOME", old_home_);
        qputenv("XDG_DATA_HOME", old_data_);
    }

    static void scan(ModelLibrary& library) {
        library.rescan();
        EXPECT_TRUE(library.scanning());
        EXPECT_TRUE(QTest::qWaitFor([&] { return !library.scanning(); }, 20000));
    }

    QTemporaryDir temp_;
    fs::path home_;
    QByteArray old_home_, old_data_;
};

TEST_F(ModelLibraryTest, SearchesTheUsersHomeInTheBackground) {
    ModelLibrary library;
    EXPECT_EQ(library.home().toStdString(), home_.string());
    EXPECT_GT(library.memoryBytes(), 0);
    QSignalSpy changed(&library, &ModelLibrary::modelsChanged);
    scan(library);
    EXPECT_EQ(changed.count(), 1);
    ASSERT_EQ(library.models().size(), 1);
    const auto model = library.models().first().toMap();
    EXPECT_EQ(model["source"].toString(), "LM Studio");
    EXPECT_EQ(model["name"].toString(), "gpt-oss-20b-MXFP4.gguf");
    EXPECT_TRUE(model["valid"].toBool());
    EXPECT_FALSE(model["fitText"].toString().isEmpty());
}

TEST_F(ModelLibraryTest, ModelsDownloadedByHearthAreListedFirst) {
    ModelLibrary library;
    const fs::path downloads = library.downloader()->folder().toStdString();
    EXPECT_TRUE(downloads.string().starts_with(home_.string())) << downloads; // XDG_DATA_HOME
    fs::create_directories(downloads);
    fs::create_symlink(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss-fused.gguf",
                       downloads / "gpt-oss-20b-mxfp4.gguf");
    scan(library);
    ASSERT_EQ(library.models().size(), 2);
    EXPECT_EQ(library.models().first().toMap()["source"].toString(), "Downloaded by Hearth");
}

TEST_F(ModelLibraryTest, AddedFoldersAreSearchedAndRemembered) {
    const QString folder = QString::fromStdString(HEARTH_TINY_MODEL_DIR);
    {
        ModelLibrary library;
        library.addFolder(QStringLiteral("file://") + folder); // as a FolderDialog gives it
        EXPECT_EQ(library.folders(), QStringList{folder});
        EXPECT_TRUE(QTest::qWaitFor([&] { return !library.scanning(); }, 20000));
        // LM Studio's link, then the fixture folder's fused GGUF and HF folder; its plain GGUF
        // is the file the link points at, listed once.
        EXPECT_EQ(library.models().size(), 3);
    }
    ModelLibrary again;
    EXPECT_EQ(again.folders(), QStringList{folder});
}

TEST_F(ModelLibraryTest, DescribesAPickedFile) {
    ModelLibrary library;
    library.setMemoryBytes(16.0 * (1ull << 30));
    const auto model = library.describe(QString::fromStdString(
        (fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss-fused.gguf").string()));
    EXPECT_EQ(model["source"].toString(), "Opened");
    EXPECT_TRUE(model["valid"].toBool());
    EXPECT_TRUE(model["fitText"].toString().contains("of 16.00 GiB"));
    EXPECT_TRUE(library.downloadFitText().startsWith("Fits: needs 15.13 GiB of 16.00 GiB"));
}

} // namespace
