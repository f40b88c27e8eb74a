// Runs on the inference thread: owns the loaded model and its chat session, so the GUI thread
// never waits on loading or generation. Results travel back as queued signals.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QVariantList>
#include <QVariantMap>

#include <atomic>
#include <memory>
#include <optional>

#include "conversation_store.h"
#include "hearth/chat_session.h"
#include "message_stream_writer.h"

// What generate() is asked for, and where its answer goes in the history.
struct GenerationRequest {
    enum class Kind {
        ask,        // answer a new question (the conversation's last message)
        regenerate, // answer question `message_id` again; the old answer stays as a sibling
        edit,       // replace question `message_id` by the last message, then answer it
        resume,     // continue answer `message_id`, the conversation's last message
    };
    Kind kind = Kind::ask;
    qint64 conversation_id = 0; // 0: a new conversation, titled after the question
    qint64 message_id = 0;      // 0 when the message was never saved
    hearth::harmony::Conversation conversation;
    hearth::GenerationOptions options;
    hearth::store::ConversationSettings settings; // recorded with a new conversation
};

class InferenceWorker : public QObject {
    Q_OBJECT

  public:
    explicit InferenceWorker(std::atomic<bool>& cancel) : cancel_(cancel) {}

    // All run on the worker thread (invoked through queued calls).
    // `backend` is a stored choice (backend_choices.h: "auto", "vulkan:1", ...), `kv_cache` a GPU
    // cache precision ("f16", "q8"); `context_tokens` is capped at the model's own, and 0 picks
    // the largest the fit check says fits the device (automatic_context.h).
    void load(const QString& path, const QString& backend, const QString& kv_cache,
              int context_tokens);
    // Opens the conversation history to record chats in; without it chats still work but are
    // not saved. The sidebar reads and edits the history through HistoryWorker.
    void openHistory(const QString& path);
    void generate(const GenerationRequest& request);

  signals:
    // {name, backend, device, contextLength, automaticContextLength (what context 0 picks),
    // modelContextLength, kvShape: {layers, kvHeads, headDim, slidingWindow} (absent when the
    // files do not say)}
    void loaded(const QVariantMap& model);
    void loadFailed(const QString& message);
    // While the weights go to the GPU: the fraction done (0..1).
    void loadProgress(double fraction);
    // The load stopped because `cancel` was set (ChatController::cancelLoad).
    void loadCancelled();
    // {gpuBytes: GPU memory the model holds (weights, KV cache; 0 on the CPU), ramBytes: the
    // process's resident memory}; after a load and after each answer.
    void memoryMeasured(const QVariantMap& use);
    void textArrived(bool reasoning, const QString& text);
    // The answer being written called `tool` (its recipient, "functions.get_weather") with
    // `arguments`; `result` answered it and the model goes on in a new answer after it.
    void toolCallAnswered(const QString& tool, const QString& arguments, const QString& result);
    // {timeToFirstTokenMs: from the request reaching this thread to the first generated token
    // (recording in the history, prompt, prefill); tokensPerSecond: generated tokens over
    // generation time; contextUsed: prompt and answer tokens; generatedTokens}
    void generationFinished(const QString& endReason, const QVariantMap& stats);
    void generationFailed(const QString& message);
    // In place of generationFailed: the model cannot go on on its GPU (it stopped responding, or
    // ran out of memory), so the answer stopped where it was (interrupted, its text kept) and the
    // model was let go, its GPU memory with it; loading it again is the way on.
    void modelLost(const QString& message);
    void historyFailed(const QString& message);
    // The question went into conversation `id` (new or not) and its answer is being recorded.
    void conversationRecorded(qint64 id);
    // The recorded branch, as branch_rows() describes it: ids and versions for the rows.
    void branchesRecorded(qint64 conversation, const QVariantList& rows);

  private:
    void measure_memory();
    // Records what the request changes in the history; returns the conversation and the
    // answer's writer, or none when there is no history or it failed.
    std::optional<std::pair<hearth::store::ConversationId, hearth::store::MessageStreamWriter>>
    record(const GenerationRequest& request);
    std::optional<hearth::store::ConversationId> conversation_for(const GenerationRequest& request);

    std::atomic<bool>& cancel_;
    std::shared_ptr<hearth::Model> model_;
    std::string model_name_;
    std::unique_ptr<hearth::ChatSession> session_;
    std::uint32_t context_tokens_ = 0;
    std::optional<hearth::store::ConversationStore> history_;
};
