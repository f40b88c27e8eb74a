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

  public:
    explicit AppSettings(QObject* parent = nullptr);

    QString reasoningEffort() const;
    // Ignores anything but the three effort names, so a typo can never reach the prompt.
    void setReasoningEffort(const QString& effort);

  signals:
    void reasoningEffortChanged();
};
