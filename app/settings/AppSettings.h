// User preferences that outlive the session, persisted with QSettings.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Reasoning effort for new chats: "low", "medium" (the model's default) or "high".
    Q_PROPERTY(QString reasoningEffort READ reasoningEffort WRITE setReasoningEffort NOTIFY
                   reasoningEffortChanged)

    // The model opened last (a .gguf file or a Hugging Face folder); empty before the first.
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY modelPathChanged)

  public:
    explicit AppSettings(QObject* parent = nullptr);

    QString modelPath() const;
    void setModelPath(const QString& path);

    QString reasoningEffort() const;
    // Ignores anything but the three effort names, so a typo can never reach the prompt.
    void setReasoningEffort(const QString& effort);

  signals:
    void reasoningEffortChanged();
    void modelPathChanged();
};
