// What the chat page binds to: the loaded model's state, the messages, and the actions (load a
// model, send, regenerate, edit, continue, stop, switch versions, start over). Loading and
// generation run on InferenceWorker's thread. The preferences (sampling, instructions, token
// limit, context, backend) are read from AppSettings when a message is sent or a model loaded.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <atomic>

#include "ConversationHistory.h"
#include "MessageListModel.h"

class InferenceWorker;
struct GenerationRequest;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    // "none", "loading", "ready", "failed" (to load: modelError says why) or "lost" (the GPU
    // stopped responding or ran out of memory mid-answer: modelError; reloadModel() is the way
    // on)
    Q_PROPERTY(QString modelState READ modelState NOTIFY modelChanged)
    // modelState is "ready": a model is loaded and can answer (what most controls wait for).
    Q_PROPERTY(bool modelReady READ modelReady NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    // The backend in use ("cpu", "vulkan") and what it runs on ("CPU, 8 threads", a GPU's name).
    Q_PROPERTY(QString backendName READ backendName NOTIFY modelChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY modelChanged)
    // The model file or Hugging Face folder loaded or loading; empty when none is.
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    // The backend choice, KV cache precision and context length the loaded model was opened with.
    Q_PROPERTY(QString loadedBackendChoice READ loadedBackendChoice NOTIFY modelChanged)
    Q_PROPERTY(QString loadedKvCache READ loadedKvCache NOTIFY modelChanged)
    Q_PROPERTY(int contextLength READ contextLength NOTIFY modelChanged)
    // The context an automatic context length (AppSettings.contextLength 0) gives the loaded
    // model: the largest the fit check says fits its device; 0 without a model.
    Q_PROPERTY(int automaticContextLength READ automaticContextLength NOTIFY modelChanged)
    // The longest context the loaded model supports; 0 without a model.
    Q_PROPERTY(int modelContextLength READ modelContextLength NOTIFY modelChanged)
    Q_PROPERTY(QString modelError READ modelError NOTIFY modelChanged)
    // While loading: how much of the model is on the GPU (0..1; stays 0 on the CPU, which maps it).
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // The conversation on screen in the history; 0 for a new one not saved yet.
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    // The reasoning effort the conversation on screen was last answered with; empty for a new
    // conversation (the settings' default applies).
    Q_PROPERTY(QString conversationEffort READ conversationEffort NOTIFY conversationChanged)
    // The saved conversations: the sidebar's list, search, rename, pin and delete.
    Q_PROPERTY(ConversationHistory* history READ history CONSTANT)
    // The last answer's numbers: {timeToFirstTokenMs, tokensPerSecond, contextUsed,
    // generatedTokens}; empty before the first answer since the model was loaded.
    Q_PROPERTY(QVariantMap lastStats READ lastStats NOTIFY lastStatsChanged)
    // {gpuBytes: GPU memory the loaded model holds, its weights and KV cache (0 on the CPU),
    // ramBytes: the app's resident memory}, measured on the inference thread after the model
    // loaded and after each answer; empty without a model.
    Q_PROPERTY(QVariantMap memoryUse READ memoryUse NOTIFY memoryUseChanged)

  public:
    explicit ChatController(QObject* parent = nullptr);
    ~ChatController() override;

    MessageListModel* messages() { return &messages_; }
    QString modelState() const { return model_state_; }
    bool modelReady() const { return model_state_ == QLatin1String("ready"); }
    QString modelName() const { return model_.value(QStringLiteral("name")).toString(); }
    QString backendName() const { return model_.value(QStringLiteral("backend")).toString(); }
    QString deviceName() const { return model_.value(QStringLiteral("device")).toString(); }
    QString loadedBackendChoice() const { return loaded_backend_; }
    QString loadedKvCache() const { return loaded_kv_cache_; }
    QString modelPath() const;
    int contextLength() const { return model_.value(QStringLiteral("contextLength")).toInt(); }
    int automaticContextLength() const {
        return model_.value(QStringLiteral("automaticContextLength")).toInt();
    }
    int modelContextLength() const {
        return model_.value(QStringLiteral("modelContextLength")).toInt();
    }
    QString modelError() const { return model_error_; }
    double loadProgress() const { return load_progress_; }
    bool busy() const { return busy_; }
    qint64 conversationId() const { return conversation_id_; }
    QString conversationEffort() const { return conversation_effort_; }
    ConversationHistory* history() { return &history_; }
    QVariantMap lastStats() const { return last_stats_; }
    QVariantMap memoryUse() const { return memory_use_; }

    // A .gguf file or a Hugging Face folder, as a path or a file: URL, on the settings' backend
    // and with the settings' context length (automatic while none is chosen).
    Q_INVOKABLE void loadModel(const QString& location);
    // Loads the same model again (after the backend, KV cache or context length changed, a load
    // failed, or the model was lost).
    Q_INVOKABLE void reloadModel();
    // Stops a load in progress; the model state goes back to "none".
    Q_INVOKABLE void cancelLoad();
    // Bytes of KV cache `positions` take on the loaded model's backend when it keeps the cache
    // at `kv_cache` (AppSettings.kvCache); -1 when no model says its shape.
    Q_INVOKABLE double kvCacheBytes(int positions, const QString& kv_cache) const;
    // Sends `text` with reasoning effort "low", "medium" or "high". False (and nothing happens)
    // when no model is ready, an answer is being written, or the text is blank.
    Q_INVOKABLE bool send(const QString& text, const QString& effort);
    // Answers the last question again; the previous answer stays as another version.
    Q_INVOKABLE bool regenerate(const QString& effort);
    // Replaces the question in `row` by `text` (a new version; the old one and its answers stay)
    // and answers it.
    Q_INVOKABLE bool editMessage(int row, const QString& text, const QString& effort);
    // Writes more of the last answer, one that can go on (MessageListModel::can_continue): the
    // model goes on inside the same message and its text is added to it, in the history too.
    Q_INVOKABLE bool continueAnswer();
    // Shows the previous (step -1) or next (+1) version of the message in `row`.
    Q_INVOKABLE void switchVersion(int row, int step);
    // Stops the answer being written, within one token.
    Q_INVOKABLE void stop();
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 id);
    // Deletes conversation `id` after the history's Undo delay; the conversation on screen
    // cannot be deleted while its answer is being written.
    Q_INVOKABLE void deleteConversation(qint64 id);

  signals:
    void loadProgressChanged();
    void modelChanged();
    void busyChanged();
    void conversationChanged();
    void lastStatsChanged();
    void memoryUseChanged();

  private:
    bool can_generate() const;
    // The answer being written ended with `status` (and why, where it did not finish): the row
    // says so, the controller is free, and the history list shows the change.
    void end_answer(const QString& status, const QString& error = {});
    // The rows before `end` as a Harmony conversation, with the settings' instructions.
    GenerationRequest request_for(int end, const QString& effort) const;
    void start(GenerationRequest request);
    void set_busy(bool busy);
    void set_model_state(const QString& state, const QString& error = {});
    double load_progress_ = 0;

    MessageListModel messages_;
    QThread thread_;
    InferenceWorker* worker_;
    std::atomic<bool> cancel_{false};
    QString model_state_ = QStringLiteral("none");
    QString model_error_;
    QVariantMap model_; // what InferenceWorker::loaded says
    QString loaded_path_, loaded_backend_, loaded_kv_cache_;
    bool busy_ = false;
    qint64 conversation_id_ = 0;
    QString conversation_effort_;
    ConversationHistory history_;
    QString history_path_;
    QVariantMap last_stats_;
    QVariantMap memory_use_;
};
