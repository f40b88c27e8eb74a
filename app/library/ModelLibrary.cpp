#include "ModelLibrary.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUrl>

#include "hearth/fit_check.h"

namespace {

const QString foldersKey = QStringLiteral("library/folders");

QString localPath(const QString& location) {
    const QUrl url(location);
    return url.isLocalFile() ? url.toLocalFile() : location;
}

} // namespace

ModelLibrary::ModelLibrary(QObject* parent)
    : QObject(parent), home_(QDir::homePath()), memory_(hearth::system_memory_bytes()) {
    folders_ = QSettings().value(foldersKey).toStringList();
    connect(&downloader_, &ModelDownloader::finished, this, &ModelLibrary::rescan);
}

void ModelLibrary::setHome(const QString& home) {
    if (home == home_) return;
    home_ = home;
    emit homeChanged();
}

void ModelLibrary::setMemoryBytes(double bytes) {
    memory_ = bytes > 0 ? static_cast<std::uint64_t>(bytes) : 0;
    emit memoryChanged();
}

QString ModelLibrary::downloadFitText() const {
    return fitLine(hearth::check_gpt_oss_20b_fit(memory_));
}

QString ModelLibrary::downloadFitAdvice() const {
    const auto fit = hearth::check_gpt_oss_20b_fit(memory_);
    return fit.fits ? QString() : QString::fromStdString(fit.advice);
}

void ModelLibrary::rescan() {
    const int generation = ++generation_;
    auto roots = standardSearchRoots(home_, folders_);
    if (QFileInfo(downloader_.folder()).isDir())
        roots.prepend({downloader_.folder(), tr("Downloaded by Hearth"), 0});
    const std::uint64_t memory = memory_;
    jobs_.run(
        [roots, memory] { return discoverModels(roots, memory); },
        [this, generation](const QList<DiscoveredModel>& found) { finishScan(generation, found); });
    if (!scanning_) {
        scanning_ = true;
        emit scanningChanged();
    }
}

void ModelLibrary::finishScan(int generation, const QList<DiscoveredModel>& found) {
    if (generation != generation_) return; // a newer scan is on its way
    models_.clear();
    for (const auto& model : found)
        models_.append(toVariant(model));
    scanning_ = false;
    emit modelsChanged();
    emit scanningChanged();
}

void ModelLibrary::addFolder(const QString& folder) {
    const QString path = QDir::cleanPath(localPath(folder));
    if (path.isEmpty() || folders_.contains(path)) return;
    folders_.append(path);
    QSettings().setValue(foldersKey, folders_);
    emit foldersChanged();
    rescan();
}

QVariantMap ModelLibrary::describe(const QString& location) const {
    return toVariant(describeModel(localPath(location), QStringLiteral("Opened"), memory_));
}

QVariantMap ModelLibrary::toVariant(const DiscoveredModel& model) {
    return {
        {QStringLiteral("path"), model.path},
        {QStringLiteral("name"), model.name},
        {QStringLiteral("format"), model.format},
        {QStringLiteral("source"), model.source},
        {QStringLiteral("sizeText"), QString::fromStdString(hearth::format_memory(
                                         static_cast<std::uint64_t>(model.fileBytes)))},
        {QStringLiteral("valid"), model.valid},
        {QStringLiteral("problem"), model.problem},
        {QStringLiteral("fits"), model.fits},
        {QStringLiteral("context"), model.context},
        {QStringLiteral("fitText"), model.fitText},
        {QStringLiteral("fitAdvice"), model.fitAdvice},
    };
}
