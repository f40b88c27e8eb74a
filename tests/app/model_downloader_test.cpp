// The downloader against a local stand-in for the Hugging Face Hub (fake_hub_server.py): plain
// and redirected downloads, a slow one paused and resumed by a new downloader (a restart), a
// connection dropped halfway, a wrong hash, 404, no server, and too little disk space.
#include <gtest/gtest.h>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <random>

#include "ModelDownloader.h"

namespace {

constexpr qint64 file_size = 2'000'000;

class ModelDownloaderTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        temp_ = std::make_unique<QTemporaryDir>();
        source_ = temp_->filePath(QStringLiteral("source.bin"));
        QByteArray bytes(file_size, '\0');
        std::mt19937 random(9);
        for (auto& b : bytes)
            b = static_cast<char>(random() & 0xFF);
        QFile out(source_);
        ASSERT_TRUE(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        sha256_ = QString::fromLatin1(
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());

        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        ASSERT_FALSE(python.isEmpty()) << "python3 is needed for the fake hub";
        server_ = std::make_unique<QProcess>();
        server_->start(python, {QStringLiteral(HEARTH_FAKE_HUB_SERVER), source_});
        ASSERT_TRUE(server_->waitForReadyRead(10000));
        const QByteArray line = server_->readLine().trimmed();
        ASSERT_TRUE(line.startsWith("PORT ")) << line.toStdString();
        base_url_ = QStringLiteral("http://127.0.0.1:") + QString::fromLatin1(line.mid(5));
    }

    static void TearDownTestSuite() {
        server_->kill();
        server_->waitForFinished();
        server_.reset();
        temp_.reset();
    }

    void SetUp() override { ASSERT_TRUE(folder_.isValid()); }

    std::unique_ptr<ModelDownloader> downloader(const QString& repo) {
        auto d = std::make_unique<ModelDownloader>();
        d->setBaseUrl(base_url_);
        d->setRepo(repo);
        d->setFileName(QStringLiteral("model.gguf"));
        d->setFolder(folder_.path());
        return d;
    }

    static bool waitFor(const ModelDownloader& d, const QString& state, int ms = 20000) {
        return QTest::qWaitFor([&] { return d.state() == state; }, ms);
    }

    static QByteArray contents(const QString& path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    void expectDone(const ModelDownloader& d) {
        EXPECT_EQ(d.state(), "done") << d.error().toStdString();
        EXPECT_EQ(contents(d.destination()), contents(source_));
        EXPECT_FALSE(QFileInfo::exists(d.partPath()));
        EXPECT_EQ(d.receivedBytes(), file_size);
        EXPECT_EQ(d.totalBytes(), file_size);
    }

    static inline std::unique_ptr<QTemporaryDir> temp_;
    static inline std::unique_ptr<QProcess> server_;
    static inline QString source_, sha256_, base_url_;
    QTemporaryDir folder_;
};

TEST(ModelDownloaderSource, TheHubIsHuggingFaceUnlessHfEndpointNamesAMirror) {
    const QByteArray old = qgetenv("HF_ENDPOINT");
    qunsetenv("HF_ENDPOINT");
    EXPECT_EQ(ModelDownloader().baseUrl(), "https://huggingface.co");
    qputenv("HF_ENDPOINT", "http://127.0.0.1:8080");
    EXPECT_EQ(ModelDownloader().baseUrl(), "http://127.0.0.1:8080");
    old.isNull() ? qunsetenv("HF_ENDPOINT") : qputenv("HF_ENDPOINT", old);
}

TEST_F(ModelDownloaderTest, DownloadsAFileAndRenamesItWhenComplete) {
    auto d = downloader(QStringLiteral("test/normal"));
    EXPECT_EQ(d->state(), "idle");
    EXPECT_EQ(d->destination(), folder_.filePath(QStringLiteral("model.gguf")));
    d->setExpectedSha256(sha256_);
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("done")));
    expectDone(*d);
}

TEST_F(ModelDownloaderTest, FollowsTheHubsRedirectAndVerifiesItsLinkedEtag) {
    auto d = downloader(QStringLiteral("test/redirect"));
    QString finished;
    QObject::connect(d.get(), &ModelDownloader::finished, [&](const QString& p) { finished = p; });
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("done")));
    expectDone(*d);
    EXPECT_EQ(finished, d->destination());
}

TEST_F(ModelDownloaderTest, SlowDownloadShowsSpeedPausesAndResumesAfterARestart) {
    auto d = downloader(QStringLiteral("test/slow"));
    d->start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return d->bytesPerSecond() > 0; }, 20000));
    EXPECT_EQ(d->state(), "downloading");
    EXPECT_EQ(d->totalBytes(), file_size);
    EXPECT_GT(d->secondsLeft(), 0);
    EXPECT_TRUE(d->progressText().contains("/s, ")) << d->progressText().toStdString();
    EXPECT_TRUE(d->progressText().contains(" left")) << d->progressText().toStdString();
    d->pause();
    EXPECT_EQ(d->state(), "paused");
    const qint64 kept = QFileInfo(d->partPath()).size();
    EXPECT_GT(kept, 0);
    EXPECT_LT(kept, file_size);
    EXPECT_EQ(static_cast<qint64>(d->receivedBytes()), kept);
    QTest::qWait(200);
    EXPECT_EQ(QFileInfo(d->partPath()).size(), kept);

    // A new downloader (the app restarted) finds the .part and continues with a Range request.
    d.reset();
    auto again = downloader(QStringLiteral("test/slow"));
    EXPECT_EQ(again->state(), "paused");
    EXPECT_EQ(static_cast<qint64>(again->receivedBytes()), kept);
    again->setExpectedSha256(sha256_);
    again->start();
    ASSERT_TRUE(waitFor(*again, QStringLiteral("done")));
    expectDone(*again);
}

TEST_F(ModelDownloaderTest, ADroppedConnectionKeepsThePartAndResumes) {
    auto d = downloader(QStringLiteral("test/drop"));
    d->setExpectedSha256(sha256_);
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().startsWith("The connection was lost after")) << d->error().toStdString();
    EXPECT_EQ(QFileInfo(d->partPath()).size(), file_size / 2);
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("done")));
    expectDone(*d);
}

TEST_F(ModelDownloaderTest, AWrongHashDeletesTheFileAndSaysSo) {
    auto d = downloader(QStringLiteral("test/normal"));
    d->setExpectedSha256(QString(64, QLatin1Char('0')));
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().startsWith("The downloaded file is damaged"))
        << d->error().toStdString();
    EXPECT_TRUE(d->error().contains(sha256_));
    EXPECT_FALSE(QFileInfo::exists(d->partPath()));
    EXPECT_FALSE(QFileInfo::exists(d->destination()));
}

TEST_F(ModelDownloaderTest, TheHubsLinkedEtagIsCheckedToo) {
    auto d = downloader(QStringLiteral("test/badetag"));
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().startsWith("The downloaded file is damaged"))
        << d->error().toStdString();
    EXPECT_FALSE(QFileInfo::exists(d->destination()));
}

TEST_F(ModelDownloaderTest, AMissingFileIsA404Error) {
    auto d = downloader(QStringLiteral("test/missing"));
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().contains("(HTTP 404)")) << d->error().toStdString();
    EXPECT_TRUE(d->error().contains("model.gguf was not found in test/missing"));
    EXPECT_FALSE(QFileInfo::exists(d->partPath()));
}

TEST_F(ModelDownloaderTest, NoServerSaysItCannotBeReached) {
    auto d = downloader(QStringLiteral("test/normal"));
    d->setBaseUrl(QStringLiteral("http://127.0.0.1:1")); // nothing listens on port 1
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().startsWith("Cannot reach 127.0.0.1")) << d->error().toStdString();
}

TEST_F(ModelDownloaderTest, TooLittleDiskSpaceStopsBeforeWriting) {
    auto d = downloader(QStringLiteral("test/huge")); // announces 10^18 bytes
    d->start();
    ASSERT_TRUE(waitFor(*d, QStringLiteral("failed")));
    EXPECT_TRUE(d->error().startsWith("Not enough disk space")) << d->error().toStdString();
    EXPECT_FALSE(QFileInfo::exists(d->partPath()));
}

TEST_F(ModelDownloaderTest, CancelDeletesThePart) {
    auto d = downloader(QStringLiteral("test/slow"));
    d->start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return d->receivedBytes() > 0; }, 20000));
    d->cancel();
    EXPECT_EQ(d->state(), "idle");
    EXPECT_EQ(d->receivedBytes(), 0);
    EXPECT_FALSE(QFileInfo::exists(d->partPath()));
    EXPECT_FALSE(QFileInfo::exists(d->destination()));
}

} // namespace
