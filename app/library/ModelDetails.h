// The model details page's model: what its headers say (ModelDetailsReader, read in the
// background), what Remove… would delete (ModelRemoval), and the page's two actions. QML creates
// one per page.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "BackgroundJobs.h"
#include "ModelRemoval.h"

class ModelDetails : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // The .gguf file or Hugging Face folder, as a path or a file: URL; setting it starts reading.
    // Reads back as the absolute path.
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    // "none", "reading", "ready" or "failed" (the files cannot be read: details.error says why)
    Q_PROPERTY(QString state READ state NOTIFY detailsChanged)
    // ModelDetailsReader's fields by name: {path, name, sizeText, error, title, format, ...}
    Q_PROPERTY(QVariantMap details READ details NOTIFY detailsChanged)
    // What Remove… deletes: {fileCount, sizeText, folder (a Hugging Face folder's files),
    // refusal (why nothing may go; empty if it may)}
    Q_PROPERTY(QVariantMap removal READ removal NOTIFY detailsChanged)

  public:
    explicit ModelDetails(QObject* parent = nullptr);

    QString path() const { return path_; }
    void setPath(const QString& location);
    QString state() const { return state_; }
    QVariantMap details() const { return details_; }
    QVariantMap removal() const;

    // Deletes what `removal` lists; the page asks the user first. Emits removed() or
    // removeFailed(), and nothing while the files are still being read.
    Q_INVOKABLE void remove();
    // Opens the folder holding the model (a Hugging Face folder itself) in the file manager:
    // a local file: URL, never anything on the network. False when nothing could open it.
    Q_INVOKABLE bool showInFolder() const;

  signals:
    void pathChanged();
    void detailsChanged();
    void removed(const QString& path);
    void removeFailed(const QString& message);

  private:
    QString path_;
    QString state_ = QStringLiteral("none");
    QVariantMap details_;
    ModelRemoval removal_;
    int generation_ = 0;
    BackgroundJobs jobs_{this};
};
