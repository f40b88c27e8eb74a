// Downloads one model file from Hugging Face (or any server with the same URL scheme) into
// FILE.part, resumable with HTTP Range requests across pauses, dropped connections and restarts;
// checks the disk space first, verifies the SHA-256 when one is known and renames the file to
// its final name only after that. Nothing happens until start() is called by the user.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

class QNetworkReply;
class QThread;

class ModelDownloader : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ModelLibrary.downloader is the one downloader")
    // "idle", "downloading", "paused", "verifying", "done" or "failed"
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    // The model file once done; where it will be before.
    Q_PROPERTY(QString destination READ destination NOTIFY sourceChanged)
    Q_PROPERTY(double receivedBytes READ receivedBytes NOTIFY progressChanged)
    Q_PROPERTY(double totalBytes READ totalBytes NOTIFY progressChanged) // 0: not known yet
    Q_PROPERTY(double bytesPerSecond READ bytesPerSecond NOTIFY progressChanged)
    Q_PROPERTY(double secondsLeft READ secondsLeft NOTIFY progressChanged) // -1: not known
    // "3.20 GiB of 11.27 GiB, 24.1 MiB/s, 5 min left"
    Q_PROPERTY(QString progressText READ progressText NOTIFY progressChanged)
    // Where from: BASE/REPO/resolve/main/FILE. BASE starts as $HF_ENDPOINT when set (a mirror
    // of the Hub, as huggingface_hub reads it), else https://huggingface.co.
    Q_PROPERTY(QString baseUrl READ baseUrl WRITE setBaseUrl NOTIFY sourceChanged)
    Q_PROPERTY(QString repo READ repo WRITE setRepo NOTIFY sourceChanged)
    Q_PROPERTY(QString fileName READ fileName WRITE setFileName NOTIFY sourceChanged)
    Q_PROPERTY(QString folder READ folder WRITE setFolder NOTIFY sourceChanged)
    // Lower-case hex; empty: taken from the server's X-Linked-Etag when it is a SHA-256.
    Q_PROPERTY(
        QString expectedSha256 READ expectedSha256 WRITE setExpectedSha256 NOTIFY sourceChanged)

  public:
    static constexpr const char* defaultRepo = "ggml-org/gpt-oss-20b-GGUF";
    static constexpr const char* defaultFile = "gpt-oss-20b-mxfp4.gguf";

    explicit ModelDownloader(QObject* parent = nullptr);
    ~ModelDownloader() override;

    QString state() const { return state_; }
    QString error() const { return error_; }
    QString destination() const;
    QString partPath() const { return destination() + QStringLiteral(".part"); }
    double receivedBytes() const { return static_cast<double>(received_); }
    double totalBytes() const { return static_cast<double>(total_); }
    double bytesPerSecond() const { return speed_; }
    double secondsLeft() const;
    QString progressText() const;
    QString baseUrl() const { return base_url_; }
    void setBaseUrl(const QString& url);
    QString repo() const { return repo_; }
    void setRepo(const QString& repo);
    QString fileName() const { return file_name_; }
    void setFileName(const QString& name);
    QString folder() const { return folder_; }
    void setFolder(const QString& folder);
    QString expectedSha256() const { return expected_sha256_; }
    void setExpectedSha256(const QString& hex);

    // Starts, or resumes from FILE.part (after pause(), an error or a restart).
    Q_INVOKABLE void start();
    // Stops and keeps FILE.part for start() to resume.
    Q_INVOKABLE void pause();
    // Stops and deletes FILE.part.
    Q_INVOKABLE void cancel();

  signals:
    void stateChanged();
    void progressChanged();
    void sourceChanged();
    void finished(const QString& path);

  private:
    void request(const QUrl& url, int redirects_left);
    void on_meta_data(QNetworkReply* reply);
    void on_ready_read();
    void on_finished(QNetworkReply* reply, int redirects_left);
    void verify_and_finish();
    void finish_verified(const QString& actual_hex);
    void fail(const QString& message);
    void set_state(const QString& state, const QString& error = {});
    void stop_reply();
    void update_speed(bool force);
    // A .part left by an earlier run shows as a paused download.
    void look_for_part();
    bool enough_disk_space(qint64 still_needed);

    QNetworkAccessManager network_;
    QPointer<QNetworkReply> reply_;
    QFile part_;
    QString state_ = QStringLiteral("idle");
    QString error_;
    QString base_url_ =
        qEnvironmentVariable("HF_ENDPOINT", QStringLiteral("https://huggingface.co"));
    QString repo_ = QString::fromLatin1(defaultRepo);
    QString file_name_ = QString::fromLatin1(defaultFile);
    QString folder_;
    QString expected_sha256_;
    QString server_sha256_; // from X-Linked-Etag
    qint64 received_ = 0;
    qint64 total_ = 0;
    bool accepted_ = false; // the current reply's status was checked and its body is the file
    double speed_ = 0;
    QElapsedTimer speed_clock_;
    qint64 speed_mark_bytes_ = 0;
    QThread* verifier_ = nullptr; // hashing the finished .part
};
