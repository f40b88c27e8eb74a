// Runs on the inference thread: owns the loaded model and its chat session, so the GUI thread
// never waits on loading or generation. Results travel back as queued signals.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

#include "conversation_store.h"
#include "hearth/chat_session.h"

class InferenceWorker : public QObject {
    Q_OBJECT

  public:
    explicit InferenceWorker(std::atomic<bool>& cancel) : cancel_(cancel) {}

    // All run on the worker thread (invoked through queued calls).
    void load(const QString& path);
    // Opens the conversation history to record chats in; without it chats still work but are
    // not saved. The sidebar reads and edits the history through HistoryWorker.
    void openHistory(const QString& path);
    // Answers the conversation's last (user) message; with a history, records the exchange in
    // conversation `id` (0: a new conversation titled after the message).
    void generate(qint64 id, const hearth::harmony::Conversation& conversation,
                  const hearth::GenerationOptions& options);

  signals:
    void loaded(const QString& name, const QString& backend);
    void loadFailed(const QString& message);
    void textArrived(bool reasoning, const QString& text);
    void generationFinished(const QString& endReason);
    void generationFailed(const QString& message);
    void historyFailed(const QString& message);
    // The question went into conversation `id` (new or not) and its answer is being recorded.
    void conversationRecorded(qint64 id);

  private:
    // Records the user's message; returns the conversation and the message to answer under.
    std::optional<std::pair<hearth::store::ConversationId, hearth::store::MessageId>>
    record_question(qint64 id, const hearth::harmony::Conversation& conversation);

    std::atomic<bool>& cancel_;
    std::shared_ptr<hearth::Model> model_;
    std::string model_name_;
    std::unique_ptr<hearth::ChatSession> session_;
    std::optional<hearth::store::ConversationStore> history_;
};
