// The model details page's C++ side: what the headers say (read by the engine), a clear error
// for a broken file, and the object QML binds to, which reads in the background and opens the
// model's folder through a local file: URL.
#include <gtest/gtest.h>

#include <QDesktopServices>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "ModelDetails.h"
#include "ModelDetailsReader.h"

namespace {

const QString tinyDir = QStringLiteral(HEARTH_TINY_MODEL_DIR);
const QString tinyGguf = tinyDir + QStringLiteral("/tiny-gpt-oss.gguf");

// The first `bytes` of `from`, as a download cut off there leaves it.
void writeTruncatedCopy(const QString& from, const QString& to, qint64 bytes) {
    QFile source(from);
    ASSERT_TRUE(source.open(QIODevice::ReadOnly));
    QFile target(to);
    ASSERT_TRUE(target.open(QIODevice::WriteOnly));
    ASSERT_EQ(target.write(source.read(bytes)), bytes);
}

TEST(ModelDetailsReader, ReadsTheTinyGgufFromItsHeaders) {
    const ModelDetailsInfo info = readModelDetails(tinyGguf);
    ASSERT_TRUE(info.error.isEmpty()) << info.error.toStdString();
    EXPECT_EQ(info.path, tinyGguf);
    EXPECT_EQ(info.name, "tiny-gpt-oss.gguf");
    EXPECT_EQ(info.bytes, QFileInfo(tinyGguf).size());
    EXPECT_EQ(info.title, "tiny-gpt-oss (Hearth test fixture)");
    EXPECT_EQ(info.format, "GGUF v3");
    EXPECT_EQ(info.architecture, "gpt-oss");
    // TinyModelSpec: 2 layers, hidden 64, 4 heads and 2 KV heads of 16, 8 experts of 64, and
    // gpt-oss's 201088-token vocabulary. Per layer: two norms (128), attention with biases and
    // sinks (64x64+64, 2 x (64x32+32), 64x64+64, 4: 12484), router (64x8+8: 520) and experts
    // (8 x (2x64x64 + 2x64 + 64x64 + 64): 99840). Plus embedding, unembedding and final norm.
    constexpr quint64 perLayer = 128 + 12484 + 520 + 99840;
    EXPECT_EQ(info.parameters, 2ull * 201088 * 64 + 2 * perLayer + 64);
    EXPECT_EQ(info.expertTypes, QStringList{"MXFP4"});
    EXPECT_EQ(info.otherTypes, (QStringList{"BF16", "F16", "F32", "Q8_0"}));
    EXPECT_EQ(info.contextLength, 4096u);
    EXPECT_EQ(info.slidingWindow, 16u);
    EXPECT_EQ(info.yarnOriginalContext, 4096u); // YaRN factor 32
    EXPECT_EQ(info.license, "");
}

TEST(ModelDetailsReader, ReadsAHuggingFaceFolder) {
    const ModelDetailsInfo info = readModelDetails(tinyDir + "/tiny-gpt-oss-hf");
    ASSERT_TRUE(info.error.isEmpty()) << info.error.toStdString();
    EXPECT_EQ(info.name, "tiny-gpt-oss-hf");
    EXPECT_EQ(info.format, "safetensors");
    EXPECT_EQ(info.title, "");
    EXPECT_EQ(info.expertTypes, QStringList{"MXFP4"});
    EXPECT_EQ(info.otherTypes, (QStringList{"BF16", "F32"})); // F32: its final norm
    EXPECT_GT(info.bytes, QFileInfo(tinyDir + "/tiny-gpt-oss-hf/tokenizer.json").size());
}

TEST(ModelDetailsReader, ATruncatedFileGivesAnErrorButKeepsItsNameAndSize) {
    QTemporaryDir dir;
    const QString path = dir.filePath("gpt-oss-20b-mxfp4.gguf");
    writeTruncatedCopy(tinyGguf, path, QFileInfo(tinyGguf).size() / 2);
    const ModelDetailsInfo info = readModelDetails(path);
    EXPECT_FALSE(info.error.isEmpty());
    EXPECT_TRUE(info.error.contains(path)) << info.error.toStdString();
    EXPECT_EQ(info.name, "gpt-oss-20b-mxfp4.gguf");
    EXPECT_EQ(info.bytes, QFileInfo(tinyGguf).size() / 2);
    EXPECT_EQ(info.format, "");
    EXPECT_EQ(info.parameters, 0u);
}

// Records what QDesktopServices::openUrl was asked to open, instead of a file manager.
class UrlRecorder : public QObject {
    Q_OBJECT

  public:
    QList<QUrl> opened;

  public slots:
    void open(const QUrl& url) { opened.append(url); }
};

class ModelDetailsObject : public ::testing::Test {
  protected:
    static void waitWhileReading(const ModelDetails& details) {
        EXPECT_TRUE(QTest::qWaitFor([&] { return details.state() != "reading"; }, 20000));
    }
    QTemporaryDir dir_;
};

TEST_F(ModelDetailsObject, ReadsInTheBackgroundFromAFileUrl) {
    ModelDetails details;
    QSignalSpy changed(&details, &ModelDetails::detailsChanged);
    details.setPath(QUrl::fromLocalFile(tinyGguf).toString());
    EXPECT_EQ(details.path(), tinyGguf);
    EXPECT_EQ(details.state(), "reading"); // the GUI thread did not wait for the headers
    waitWhileReading(details);
    EXPECT_EQ(details.state(), "ready");
    EXPECT_EQ(changed.count(), 2);
    EXPECT_EQ(details.details()["format"].toString(), "GGUF v3");
    EXPECT_EQ(details.details()["expertTypes"].toStringList(), QStringList{"MXFP4"});
    EXPECT_EQ(details.removal()["fileCount"].toInt(), 1);
    EXPECT_EQ(details.removal()["refusal"].toString(), "");
}

TEST_F(ModelDetailsObject, ABrokenFileIsAFailureWithTheEnginesMessage) {
    const QString path = dir_.filePath("broken.gguf");
    writeTruncatedCopy(tinyGguf, path, 100);
    ModelDetails details;
    details.setPath(path);
    waitWhileReading(details);
    EXPECT_EQ(details.state(), "failed");
    EXPECT_FALSE(details.details()["error"].toString().isEmpty());
    // A broken download is still a GGUF file that may be removed.
    EXPECT_EQ(details.removal()["refusal"].toString(), "");
}

TEST_F(ModelDetailsObject, ShowInFolderOpensTheContainingFolderAsALocalUrl) {
    UrlRecorder recorder;
    QDesktopServices::setUrlHandler("file", &recorder, "open");
    ModelDetails details;
    details.setPath(tinyGguf);
    EXPECT_TRUE(details.showInFolder());
    details.setPath(tinyDir + "/tiny-gpt-oss-hf");
    EXPECT_TRUE(details.showInFolder());
    QDesktopServices::unsetUrlHandler("file");
    EXPECT_EQ(recorder.opened, (QList<QUrl>{QUrl::fromLocalFile(tinyDir),
                                            QUrl::fromLocalFile(tinyDir + "/tiny-gpt-oss-hf")}));
    waitWhileReading(details); // the last read ends before the object goes
}

TEST_F(ModelDetailsObject, RemoveDeletesTheModelAndSaysSo) {
    const QString path = dir_.filePath("gpt-oss-20b-mxfp4.gguf");
    ASSERT_TRUE(QFile::copy(tinyGguf, path));
    ModelDetails details;
    QSignalSpy removed(&details, &ModelDetails::removed);
    details.setPath(path);
    details.remove(); // still reading: nothing happens
    EXPECT_TRUE(QFileInfo::exists(path));
    waitWhileReading(details);
    details.remove();
    EXPECT_FALSE(QFileInfo::exists(path));
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed.first().first().toString(), path);
    EXPECT_EQ(details.state(), "none");
}

TEST_F(ModelDetailsObject, RemoveRefusesWhatIsNoModel) {
    const QString path = dir_.filePath("notes.gguf");
    QFile notes(path);
    ASSERT_TRUE(notes.open(QIODevice::WriteOnly));
    notes.write("not a model\n");
    notes.close();
    ModelDetails details;
    QSignalSpy failed(&details, &ModelDetails::removeFailed);
    details.setPath(path);
    waitWhileReading(details);
    EXPECT_EQ(details.state(), "failed");
    details.remove();
    EXPECT_TRUE(QFileInfo::exists(path));
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.first().first().toString(), path + " is not a GGUF model file.");
}

} // namespace

#include "model_details_test.moc"
