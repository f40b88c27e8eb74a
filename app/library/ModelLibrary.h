// The models on this computer for the first-run page: found by ModelDiscovery on a worker thread,
// each with its fit line, plus the folders the user added (kept in QSettings).
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "BackgroundJobs.h"
#include "ModelDiscovery.h"
#include "ModelDownloader.h"

class ModelLibrary : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // [{path, name, format, source, sizeText, valid, problem, fits, context, fitText, fitAdvice}]
    Q_PROPERTY(QVariantList models READ models NOTIFY modelsChanged)
    Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
    Q_PROPERTY(QStringList folders READ folders NOTIFY foldersChanged)
    // Where LM Studio's, GPT4All's and the Hugging Face folders are looked for: the user's home.
    Q_PROPERTY(QString home READ home WRITE setHome NOTIFY homeChanged)
    // The memory the fit lines are checked against: this computer's RAM.
    Q_PROPERTY(double memoryBytes READ memoryBytes WRITE setMemoryBytes NOTIFY memoryChanged)
    // The download of gpt-oss-20b from Hugging Face (started only by the user).
    Q_PROPERTY(ModelDownloader* downloader READ downloader CONSTANT)
    // The fit line of gpt-oss-20b before it is downloaded, and the advice when it does not fit.
    Q_PROPERTY(QString downloadFitText READ downloadFitText NOTIFY memoryChanged)
    Q_PROPERTY(QString downloadFitAdvice READ downloadFitAdvice NOTIFY memoryChanged)

  public:
    explicit ModelLibrary(QObject* parent = nullptr);

    QVariantList models() const { return models_; }
    bool scanning() const { return scanning_; }
    QStringList folders() const { return folders_; }
    QString home() const { return home_; }
    void setHome(const QString& home);
    double memoryBytes() const { return static_cast<double>(memory_); }
    void setMemoryBytes(double bytes);
    ModelDownloader* downloader() { return &downloader_; }
    QString downloadFitText() const;
    QString downloadFitAdvice() const;

    // Searches again in the background; `models` changes when done.
    Q_INVOKABLE void rescan();
    // A folder (path or file: URL) searched from now on, remembered across runs.
    Q_INVOKABLE void addFolder(const QString& folder);
    // One file or folder the user picked ("Open file…"), described now like a found model.
    Q_INVOKABLE QVariantMap describe(const QString& location) const;

    static QVariantMap toVariant(const DiscoveredModel& model);

  signals:
    void modelsChanged();
    void scanningChanged();
    void foldersChanged();
    void homeChanged();
    void memoryChanged();

  private:
    void finishScan(int generation, const QList<DiscoveredModel>& found);

    QVariantList models_;
    QStringList folders_;
    QString home_;
    std::uint64_t memory_ = 0;
    bool scanning_ = false;
    int generation_ = 0;
    ModelDownloader downloader_;
    BackgroundJobs jobs_{this};
};
