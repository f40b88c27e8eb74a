// What the chat page binds to: the loaded model's state, the messages, and the actions (load a
// model, send, stop, start over). Loading and generation run on InferenceWorker's thread.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <QtQml/qqmlregistration.h>

#include <atomic>

#include "ConversationHistory.h"
#include "MessageListModel.h"

class InferenceWorker;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    // "none", "loading", "ready" or "failed"
    Q_PROPERTY(QString modelState READ modelState NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString backendName READ backendName NOTIFY modelChanged)
    Q_PROPERTY(QString modelError READ modelError NOTIFY modelChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // The conversation on screen in the history; 0 for a new one not saved yet.
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    // The reasoning effort the conversation on screen was last answered with; empty for a new
    // conversation (the settings' default applies).
    Q_PROPERTY(QString conversationEffort READ conversationEffort NOTIFY conversationChanged)
    // The saved conversations: the sidebar's list, search, rename, pin and delete.
    Q_PROPERTY(ConversationHistory* history READ history CONSTANT)
    // Generated tokens per answer, reasoning included.
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY maxTokensChanged)

  public:
    explicit ChatController(QObject* parent = nullptr);
    ~ChatController() override;

    MessageListModel* messages() { return &messages_; }
    QString modelState() const { return model_state_; }
    QString modelName() const { return model_name_; }
    QString backendName() const { return backend_name_; }
    QString modelError() const { return model_error_; }
    bool busy() const { return busy_; }
    int maxTokens() const { return max_tokens_; }
    qint64 conversationId() const { return conversation_id_; }
    QString conversationEffort() const { return conversation_effort_; }
    ConversationHistory* history() { return &history_; }
    void setMaxTokens(int tokens);

    // A .gguf file or a Hugging Face folder, as a path or a file: URL.
    Q_INVOKABLE void loadModel(const QString& location);
    // Sends `text` with reasoning effort "low", "medium" or "high". False (and nothing happens)
    // when no model is ready, an answer is being written, or the text is blank.
    Q_INVOKABLE bool send(const QString& text, const QString& effort);
    // Stops the answer being written, within one token.
    Q_INVOKABLE void stop();
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 id);
    // Deletes conversation `id` after the history's Undo delay; the conversation on screen
    // cannot be deleted while its answer is being written.
    Q_INVOKABLE void deleteConversation(qint64 id);

  signals:
    void modelChanged();
    void busyChanged();
    void maxTokensChanged();
    void conversationChanged();

  private:
    void set_busy(bool busy);
    void set_model_state(const QString& state, const QString& error = {});

    MessageListModel messages_;
    QThread thread_;
    InferenceWorker* worker_;
    std::atomic<bool> cancel_{false};
    QString model_state_ = QStringLiteral("none");
    QString model_name_, backend_name_, model_error_;
    bool busy_ = false;
    int max_tokens_ = 4096;
    qint64 conversation_id_ = 0;
    QString conversation_effort_;
    ConversationHistory history_;
    QString history_path_;
};
