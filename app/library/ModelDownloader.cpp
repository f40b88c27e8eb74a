#include "ModelDownloader.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QThread>

#include "hearth/fit_check.h"

namespace {

// Room left on the disk beside the file itself.
constexpr qint64 disk_margin = 256ll << 20;

QString bytesText(qint64 bytes) {
    return QString::fromStdString(hearth::format_memory(static_cast<std::uint64_t>(bytes)));
}

QString durationText(double seconds) {
    const auto s = static_cast<qint64>(seconds + 0.5);
    if (s < 60) return QCoreApplication::translate("ModelDownloader", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("ModelDownloader", "%1 min").arg((s + 30) / 60);
    return QCoreApplication::translate("ModelDownloader", "%1 h %2 min")
        .arg(s / 3600)
        .arg((s % 3600) / 60);
}

// A SHA-256 in an ETag ("\"abc...\"" or W/"..."), or empty.
QString sha256FromEtag(QByteArray etag) {
    etag = etag.trimmed();
    if (etag.startsWith("W/")) etag = etag.mid(2);
    const QString hex = QString::fromLatin1(etag).remove(QLatin1Char('"')).toLower();
    static const QRegularExpression sha(QStringLiteral("^[0-9a-f]{64}$"));
    return sha.match(hex).hasMatch() ? hex : QString();
}

bool isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QString sha256OfFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace

ModelDownloader::ModelDownloader(QObject* parent) : QObject(parent) {
    folder_ = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
              QStringLiteral("/models");
    look_for_part();
}

ModelDownloader::~ModelDownloader() {
    stop_reply();
    if (verifier_) verifier_->wait();
}

QString ModelDownloader::destination() const { return QDir(folder_).filePath(file_name_); }

double ModelDownloader::secondsLeft() const {
    if (total_ <= 0 || speed_ <= 0) return -1;
    return static_cast<double>(total_ - received_) / speed_;
}

QString ModelDownloader::progressText() const {
    QString text = total_ > 0 ? tr("%1 of %2").arg(bytesText(received_), bytesText(total_))
                              : bytesText(received_);
    if (state_ == QLatin1String("downloading") && speed_ > 0) {
        text += tr(", %1/s").arg(bytesText(static_cast<qint64>(speed_)));
        if (secondsLeft() >= 0) text += tr(", %1 left").arg(durationText(secondsLeft()));
    }
    return text;
}

void ModelDownloader::setBaseUrl(const QString& url) {
    base_url_ = url;
    emit sourceChanged();
}

void ModelDownloader::setRepo(const QString& repo) {
    repo_ = repo;
    emit sourceChanged();
}

void ModelDownloader::setFileName(const QString& name) {
    file_name_ = name;
    look_for_part();
    emit sourceChanged();
}

void ModelDownloader::setFolder(const QString& folder) {
    folder_ = folder;
    look_for_part();
    emit sourceChanged();
}

void ModelDownloader::setExpectedSha256(const QString& hex) {
    expected_sha256_ = hex.trimmed().toLower();
    emit sourceChanged();
}

void ModelDownloader::look_for_part() {
    if (state_ == QLatin1String("downloading") || state_ == QLatin1String("verifying")) return;
    received_ = 0;
    total_ = 0;
    speed_ = 0;
    if (QFileInfo::exists(destination())) {
        received_ = total_ = QFileInfo(destination()).size();
        set_state(QStringLiteral("done"));
    } else if (QFileInfo::exists(partPath())) {
        received_ = QFileInfo(partPath()).size();
        set_state(QStringLiteral("paused"));
    } else {
        set_state(QStringLiteral("idle"));
    }
    emit progressChanged();
}

bool ModelDownloader::enough_disk_space(qint64 still_needed) {
    const QStorageInfo storage(folder_);
    const qint64 free = storage.bytesAvailable();
    if (!storage.isValid() || free < 0 || free >= still_needed + disk_margin) return true;
    fail(tr("Not enough disk space: %1 more is needed in %2, which has %3 free. Free "
            "some space or choose another folder, then try again.")
             .arg(bytesText(still_needed + disk_margin), folder_, bytesText(free)));
    return false;
}

void ModelDownloader::start() {
    if (state_ == QLatin1String("downloading") || state_ == QLatin1String("verifying")) return;
    if (QFileInfo::exists(destination())) {
        look_for_part();
        emit finished(destination());
        return;
    }
    if (!QDir().mkpath(folder_)) {
        fail(tr("Cannot create the folder %1").arg(folder_));
        return;
    }
    part_.setFileName(partPath());
    if (!part_.open(QIODevice::WriteOnly | QIODevice::Append)) {
        fail(tr("Cannot write %1: %2").arg(partPath(), part_.errorString()));
        return;
    }
    received_ = part_.size();
    if (total_ > 0 && !enough_disk_space(total_ - received_)) return;
    speed_ = 0;
    speed_clock_.start();
    speed_mark_bytes_ = received_;
    set_state(QStringLiteral("downloading"));
    emit progressChanged();
    request(QUrl(QStringLiteral("%1/%2/resolve/main/%3").arg(base_url_, repo_, file_name_)), 5);
}

void ModelDownloader::request(const QUrl& url, int redirects_left) {
    QNetworkRequest req(url);
    // Redirects are followed here so their headers (the Hub's X-Linked-Size and X-Linked-Etag)
    // can be read and the Range header kept.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("Accept-Encoding", "identity");
    req.setRawHeader("User-Agent", "Hearth");
    // A connection that stalls this long counts as lost (and can be resumed).
    req.setTransferTimeout(30000);
    if (received_ > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(received_) + "-");
    accepted_ = false;
    reply_ = network_.get(req);
    QNetworkReply* reply = reply_;
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] { on_meta_data(reply); });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        if (reply == reply_) on_ready_read();
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, redirects_left] { on_finished(reply, redirects_left); });
}

void ModelDownloader::on_meta_data(QNetworkReply* reply) {
    if (reply != reply_) return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (const QString sha = sha256FromEtag(reply->rawHeader("X-Linked-Etag")); !sha.isEmpty())
        server_sha256_ = sha;
    if (isRedirect(status)) {
        const qint64 linked = reply->rawHeader("X-Linked-Size").toLongLong();
        if (linked > 0) {
            total_ = linked;
            if (!enough_disk_space(total_ - received_)) return;
        }
        return;
    }
    if (status == 200) {
        if (received_ > 0) { // the server ignored the Range: start over
            part_.resize(0);
            received_ = 0;
        }
        total_ = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    } else if (status == 206) {
        static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-\\d+/(\\d+)$"));
        const auto match = range.match(QString::fromLatin1(reply->rawHeader("Content-Range")));
        if (!match.hasMatch() || match.captured(1).toLongLong() != received_) {
            fail(tr("The server resumed at the wrong place; press Cancel, then "
                    "Download to start over."));
            return;
        }
        total_ = match.captured(2).toLongLong();
    } else {
        return; // an error status, reported when the reply finishes
    }
    accepted_ = true;
    emit progressChanged();
    if (total_ > 0) enough_disk_space(total_ - received_);
}

void ModelDownloader::on_ready_read() {
    const QByteArray data = reply_->readAll();
    if (!accepted_ || data.isEmpty()) return;
    if (part_.write(data) != data.size()) {
        const qint64 free = QStorageInfo(folder_).bytesAvailable();
        fail(tr("Could not write %1 (%2, %3 free). Free some space, then press "
                "Resume.")
                 .arg(partPath(), part_.errorString(), bytesText(free)));
        return;
    }
    received_ += data.size();
    update_speed(false);
}

void ModelDownloader::update_speed(bool force) {
    const qint64 elapsed = speed_clock_.elapsed();
    if (elapsed >= 500 || force) {
        if (elapsed > 0) {
            const double now = static_cast<double>(received_ - speed_mark_bytes_) * 1000.0 /
                               static_cast<double>(elapsed);
            speed_ = speed_ <= 0 ? now : 0.7 * speed_ + 0.3 * now;
        }
        speed_clock_.restart();
        speed_mark_bytes_ = received_;
    }
    emit progressChanged();
}

void ModelDownloader::on_finished(QNetworkReply* reply, int redirects_left) {
    reply->deleteLater();
    if (reply != reply_) return; // paused, cancelled or replaced
    reply_ = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString host = reply->url().host();
    if (isRedirect(status)) {
        if (redirects_left == 0) {
            fail(tr("%1 redirects too often; try again later.").arg(host));
            return;
        }
        const QUrl next = reply->url().resolved(
            reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl());
        request(next, redirects_left - 1);
        return;
    }
    if (status == 404) {
        fail(tr("%1 was not found in %2 on %3 (HTTP 404). Check the repository and "
                "file name.")
                 .arg(file_name_, repo_, host));
        return;
    }
    if (status == 416 && total_ > 0 && received_ == total_) { // all there already
        part_.close();
        verify_and_finish();
        return;
    }
    if (status >= 400) {
        fail(tr("%1 answered HTTP %2 (%3). Try again later.")
                 .arg(host)
                 .arg(status)
                 .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()));
        return;
    }
    part_.flush();
    if (reply->error() != QNetworkReply::NoError || (total_ > 0 && received_ < total_)) {
        if (received_ == 0 || !accepted_) {
            fail(tr("Cannot reach %1 (%2). Check the internet connection, then try "
                    "again.")
                     .arg(host, reply->errorString()));
        } else {
            fail(tr("The connection was lost after %1. Press Resume to continue "
                    "from there.")
                     .arg(progressText()));
        }
        return;
    }
    part_.close();
    update_speed(true);
    verify_and_finish();
}

void ModelDownloader::verify_and_finish() {
    const QString expected = expected_sha256_.isEmpty() ? server_sha256_ : expected_sha256_;
    if (expected.isEmpty()) {
        finish_verified({});
        return;
    }
    set_state(QStringLiteral("verifying"));
    const QString path = partPath();
    verifier_ = QThread::create([this, path] {
        const QString actual = sha256OfFile(path);
        QMetaObject::invokeMethod(
            this, [this, actual] { finish_verified(actual); }, Qt::QueuedConnection);
    });
    connect(verifier_, &QThread::finished, verifier_, &QObject::deleteLater);
    verifier_->start(QThread::LowPriority);
}

void ModelDownloader::finish_verified(const QString& actual) {
    verifier_ = nullptr;
    const QString expected = expected_sha256_.isEmpty() ? server_sha256_ : expected_sha256_;
    if (!expected.isEmpty() && actual != expected) {
        QFile::remove(partPath());
        received_ = 0;
        emit progressChanged();
        fail(tr("The downloaded file is damaged: its SHA-256 is %1, not %2. It was "
                "deleted; press Download to try again.")
                 .arg(actual.isEmpty() ? tr("unreadable") : actual, expected));
        return;
    }
    QFile::remove(destination());
    if (!QFile::rename(partPath(), destination())) {
        fail(tr("Cannot rename %1 to %2").arg(partPath(), destination()));
        return;
    }
    speed_ = 0;
    set_state(QStringLiteral("done"));
    emit progressChanged();
    emit finished(destination());
}

void ModelDownloader::pause() {
    if (state_ != QLatin1String("downloading")) return;
    stop_reply();
    part_.close();
    speed_ = 0;
    set_state(QStringLiteral("paused"));
    emit progressChanged();
}

void ModelDownloader::cancel() {
    if (state_ == QLatin1String("verifying")) return;
    stop_reply();
    part_.close();
    QFile::remove(partPath());
    received_ = 0;
    total_ = 0;
    speed_ = 0;
    set_state(QStringLiteral("idle"));
    emit progressChanged();
}

void ModelDownloader::stop_reply() {
    if (!reply_) return;
    QNetworkReply* reply = reply_;
    reply_ = nullptr; // its finished signal is ignored from here on
    reply->abort();
}

void ModelDownloader::fail(const QString& message) {
    stop_reply();
    part_.close();
    if (QFileInfo(partPath()).size() == 0) QFile::remove(partPath()); // nothing to resume
    speed_ = 0;
    set_state(QStringLiteral("failed"), message);
    emit progressChanged();
}

void ModelDownloader::set_state(const QString& state, const QString& error) {
    if (state == state_ && error == error_) return;
    state_ = state;
    error_ = error;
    emit stateChanged();
}
