#include "ModelDetails.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include "ModelDetailsReader.h"
#include "hearth/fit_check.h"

namespace {

struct ReadResult {
    ModelDetailsInfo info;
    ModelRemoval removal;
};

} // namespace

ModelDetails::ModelDetails(QObject* parent) : QObject(parent) {}

void ModelDetails::setPath(const QString& location) {
    const QUrl url(location);
    const QString local = url.isLocalFile() ? url.toLocalFile() : location;
    const QString path = local.isEmpty() ? QString() : QFileInfo(local).absoluteFilePath();
    if (path == path_) return;
    path_ = path;
    emit pathChanged();
    const int generation = ++generation_;
    details_.clear();
    removal_ = {};
    state_ = path.isEmpty() ? QStringLiteral("none") : QStringLiteral("reading");
    emit detailsChanged();
    if (path.isEmpty()) return;
    jobs_.run(
        [path] {
            return ReadResult{readModelDetails(path), planModelRemoval(path)};
        },
        [this, generation](const ReadResult& result) {
            if (generation != generation_) return; // another model was asked for since
            details_ = toVariant(result.info);
            removal_ = result.removal;
            state_ =
                result.info.error.isEmpty() ? QStringLiteral("ready") : QStringLiteral("failed");
            emit detailsChanged();
        });
}

QVariantMap ModelDetails::removal() const {
    return {{QStringLiteral("fileCount"), removal_.files.size()},
            {QStringLiteral("sizeText"), QString::fromStdString(hearth::format_memory(
                                             static_cast<std::uint64_t>(removal_.bytes)))},
            {QStringLiteral("folder"), removal_.folder},
            {QStringLiteral("refusal"), removal_.refusal}};
}

void ModelDetails::remove() {
    if (state_ != QLatin1String("ready") && state_ != QLatin1String("failed")) return;
    if (!removal_.refusal.isEmpty()) {
        emit removeFailed(removal_.refusal);
        return;
    }
    const QString error = removeModelFiles(path_, removal_);
    if (!error.isEmpty()) {
        emit removeFailed(error);
        return;
    }
    const QString removedPath = path_;
    setPath({});
    emit removed(removedPath);
}

bool ModelDetails::showInFolder() const {
    if (path_.isEmpty()) return false;
    const QFileInfo info(path_);
    return QDesktopServices::openUrl(
        QUrl::fromLocalFile(info.isDir() ? info.absoluteFilePath() : info.absolutePath()));
}
