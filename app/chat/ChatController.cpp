#include "ChatController.h"

#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QUrl>

#include "AppSettings.h"
#include "InferenceWorker.h"
#include "kv_cache_size.h"
#include "tool_calls.h"
#include "tool_rounds.h"

namespace {

hearth::harmony::Message to_harmony(const MessageListModel::Message& m) {
    using hearth::harmony::Role;
    hearth::harmony::Message message;
    message.role = m.author == QLatin1String("user")   ? Role::user
                   : m.author == QLatin1String("tool") ? Role::tool
                                                       : Role::assistant;
    message.content = m.answer.toStdString();
    message.thinking = m.reasoning.toStdString();
    if (message.role != Role::assistant || m.tool_name.isEmpty()) return message;
    return hearth::app::with_tool_call(
        std::move(message), hearth::store::tool_call_to(m.tool_name.toStdString(),
                                                        m.tool_arguments.toStdString(), "json"));
}

} // namespace

ChatController::ChatController(QObject* parent)
    : QObject(parent), worker_(new InferenceWorker(cancel_)) {
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &InferenceWorker::loaded, this, [this](const QVariantMap& model) {
        model_ = model;
        last_stats_.clear();
        emit lastStatsChanged();
        set_model_state(QStringLiteral("ready"));
    });
    connect(worker_, &InferenceWorker::loadFailed, this, [this](const QString& message) {
        model_.clear();
        set_model_state(QStringLiteral("failed"), message);
    });
    connect(worker_, &InferenceWorker::memoryMeasured, this, [this](const QVariantMap& use) {
        memory_use_ = use;
        emit memoryUseChanged();
    });
    connect(worker_, &InferenceWorker::loadProgress, this, [this](double fraction) {
        load_progress_ = fraction;
        emit loadProgressChanged();
    });
    connect(worker_, &InferenceWorker::loadCancelled, this, [this] {
        model_.clear();
        set_model_state(QStringLiteral("none"));
    });
    connect(
        worker_, &InferenceWorker::textArrived, this,
        [this](bool reasoning, const QString& text) { messages_.append_text(reasoning, text); });
    connect(worker_, &InferenceWorker::toolCallAnswered, this,
            [this](const QString& tool, const QString& arguments, const QString& result) {
                messages_.answer_tool_call(tool, arguments, result);
            });
    connect(worker_, &InferenceWorker::generationFinished, this,
            [this](const QString& reason, const QVariantMap& stats) {
                last_stats_ = stats;
                emit lastStatsChanged();
                end_answer(reason);
            });
    connect(worker_, &InferenceWorker::generationFailed, this,
            [this](const QString& message) { end_answer(QStringLiteral("failed"), message); });
    connect(worker_, &InferenceWorker::modelLost, this, [this](const QString& message) {
        model_.clear();
        // Lost before the answer ends, so nothing is asked of the model meanwhile.
        set_model_state(QStringLiteral("lost"), message);
        end_answer(QStringLiteral("interrupted"), message);
    });
    connect(worker_, &InferenceWorker::historyFailed, &history_, &ConversationHistory::set_error);
    connect(worker_, &InferenceWorker::conversationRecorded, this, [this](qint64 id) {
        history_.refresh();
        if (id == conversation_id_) return;
        conversation_id_ = id;
        emit conversationChanged();
    });
    connect(worker_, &InferenceWorker::branchesRecorded, this,
            [this](qint64 conversation, const QVariantList& rows) {
                if (conversation == conversation_id_) messages_.set_branches(rows);
            });
    connect(&history_, &ConversationHistory::conversationOpened, this,
            [this](qint64 id, const QVariantList& rows) {
                if (busy_) return; // an answer started after the conversation was asked for
                conversation_effort_.clear();
                std::vector<MessageListModel::Message> messages;
                for (const QVariant& row : rows) {
                    const QVariantMap m = row.toMap();
                    MessageListModel::Message message;
                    message.author = m.value(QStringLiteral("author")).toString();
                    message.answer = m.value(QStringLiteral("answer")).toString();
                    message.reasoning = m.value(QStringLiteral("reasoning")).toString();
                    message.status = m.value(QStringLiteral("status")).toString();
                    message.error = m.value(QStringLiteral("error")).toString();
                    message.effort = m.value(QStringLiteral("effort")).toString();
                    message.tool_name = m.value(QStringLiteral("toolName")).toString();
                    message.tool_arguments = m.value(QStringLiteral("toolArguments")).toString();
                    message.id = m.value(QStringLiteral("id")).toLongLong();
                    message.sibling_index = m.value(QStringLiteral("siblingIndex")).toInt();
                    message.sibling_count = m.value(QStringLiteral("siblingCount")).toInt();
                    if (!message.effort.isEmpty()) conversation_effort_ = message.effort;
                    messages.push_back(message);
                }
                messages_.set_messages(std::move(messages));
                conversation_id_ = id;
                emit conversationChanged();
            });
    // The history's connection creates or upgrades the database before the inference thread
    // opens its own, so the two never migrate the same file at once.
    connect(&history_, &ConversationHistory::opened, this, [this] {
        QMetaObject::invokeMethod(
            worker_, [worker = worker_, path = history_path_] { worker->openHistory(path); },
            Qt::QueuedConnection);
    });
    thread_.start();
    // The history lives in the platform's data folder (~/.local/share/Hearth/Hearth on Linux).
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(folder);
    history_path_ = folder + QStringLiteral("/conversations.db");
    history_.open(history_path_);
}

ChatController::~ChatController() {
    cancel_ = true;
    thread_.quit();
    thread_.wait();
}

void ChatController::loadModel(const QString& location) {
    if (busy_ || location.isEmpty() || model_state_ == QLatin1String("loading")) return;
    const QUrl url(location);
    const QString path = url.isLocalFile() ? url.toLocalFile() : location;
    const AppSettings settings;
    loaded_path_ = path;
    loaded_backend_ = settings.backend();
    loaded_kv_cache_ = settings.kvCache();
    cancel_ = false;
    load_progress_ = 0;
    emit loadProgressChanged();
    set_model_state(QStringLiteral("loading"));
    QMetaObject::invokeMethod(
        worker_,
        [worker = worker_, path, backend = loaded_backend_, kv_cache = loaded_kv_cache_,
         context = settings.contextLength()] { worker->load(path, backend, kv_cache, context); },
        Qt::QueuedConnection);
}

QString ChatController::modelPath() const {
    const bool held = modelReady() || model_state_ == QLatin1String("loading");
    return held ? loaded_path_ : QString();
}

void ChatController::reloadModel() { loadModel(loaded_path_); }

void ChatController::cancelLoad() {
    if (model_state_ == QLatin1String("loading")) cancel_ = true;
}

double ChatController::kvCacheBytes(int positions, const QString& kv_cache) const {
    const QVariantMap shape = model_.value(QStringLiteral("kvShape")).toMap();
    if (shape.isEmpty() || positions < 0) return -1;
    const hearth::KvCacheShape kv{.layers = shape.value(QStringLiteral("layers")).toUInt(),
                                  .kv_heads = shape.value(QStringLiteral("kvHeads")).toUInt(),
                                  .head_dim = shape.value(QStringLiteral("headDim")).toUInt(),
                                  .sliding_window =
                                      shape.value(QStringLiteral("slidingWindow")).toUInt()};
    const QVariantMap as = shape.value(QStringLiteral("kept")).toMap().value(kv_cache).toMap();
    if (as.isEmpty()) return -1;
    hearth::FitOptions kept;
    kept.kv_element_bytes = as.value(QStringLiteral("bytesPerValue")).toUInt();
    kept.kv_row_extra_bytes = as.value(QStringLiteral("rowExtraBytes")).toUInt();
    kept.sliding_extra_positions = as.value(QStringLiteral("slidingExtra")).toUInt();
    return static_cast<double>(
        hearth::kv_cache_bytes(kv, static_cast<std::uint32_t>(positions), kept));
}

void ChatController::end_answer(const QString& status, const QString& error) {
    messages_.finish_assistant(status, error);
    set_busy(false);
    history_.refresh();
}

bool ChatController::can_generate() const { return modelReady() && !busy_; }

GenerationRequest ChatController::request_for(int end, const QString& effort) const {
    const AppSettings settings;
    GenerationRequest request;
    request.conversation_id = conversation_id_;
    auto& conversation = request.conversation;
    conversation.reasoning_effort =
        hearth::harmony::reasoning_effort_from_name(effort.toStdString())
            .value_or(hearth::harmony::ReasoningEffort::medium);
    conversation.current_date = QDate::currentDate().toString(Qt::ISODate).toStdString();
    conversation.answers_are_model_output = true; // the history's answers are the model's
    const std::string instructions = settings.instructions().trimmed().toStdString();
    if (!instructions.empty()) {
        hearth::harmony::Message developer;
        developer.role = hearth::harmony::Role::developer;
        developer.content = instructions;
        conversation.messages.push_back(developer);
    }
    const auto& rows = messages_.messages();
    for (int row = 0; row < end; ++row)
        conversation.messages.push_back(to_harmony(rows[std::size_t(row)]));

    auto& sampling = request.options.sampling;
    sampling.temperature = static_cast<float>(settings.temperature());
    sampling.top_p = static_cast<float>(settings.topP());
    sampling.top_k = static_cast<std::uint32_t>(settings.topK());
    sampling.seed = static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch());
    request.options.max_tokens = static_cast<std::uint32_t>(settings.maxAnswerTokens());

    request.settings.reasoning_effort = conversation.reasoning_effort;
    request.settings.instructions = instructions;
    request.settings.sampling.temperature = settings.temperature();
    request.settings.sampling.top_p = settings.topP();
    request.settings.sampling.top_k = settings.topK();
    request.settings.sampling.max_tokens = settings.maxAnswerTokens();
    return request;
}

void ChatController::start(GenerationRequest request) {
    cancel_ = false;
    set_busy(true);
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, request = std::move(request)] { worker->generate(request); },
        Qt::QueuedConnection);
}

bool ChatController::send(const QString& text, const QString& effort) {
    const QString message = text.trimmed();
    if (!can_generate() || message.isEmpty() ||
        !hearth::harmony::reasoning_effort_from_name(effort.toStdString()))
        return false;
    messages_.append_user(message);
    GenerationRequest request = request_for(messages_.rowCount(), effort);
    messages_.begin_assistant(effort);
    start(std::move(request));
    return true;
}

bool ChatController::regenerate(const QString& effort) {
    const auto& rows = messages_.messages();
    if (!can_generate() || rows.size() < 2 || rows.back().author != QLatin1String("assistant") ||
        !hearth::harmony::reasoning_effort_from_name(effort.toStdString()))
        return false;
    // The question is the last user row: a reply may be several rows (tool calls and results).
    int question = messages_.rowCount() - 2;
    while (question > 0 && rows[std::size_t(question)].author != QLatin1String("user"))
        --question;
    const qint64 question_id = rows[std::size_t(question)].id;
    messages_.truncate(question + 1);
    GenerationRequest request = request_for(question + 1, effort);
    request.kind = GenerationRequest::Kind::regenerate;
    request.message_id = question_id;
    messages_.begin_assistant(effort);
    start(std::move(request));
    return true;
}

bool ChatController::editMessage(int row, const QString& text, const QString& effort) {
    const QString message = text.trimmed();
    if (!can_generate() || message.isEmpty() || row < 0 || row >= messages_.rowCount() ||
        messages_.messages()[std::size_t(row)].author != QLatin1String("user") ||
        !hearth::harmony::reasoning_effort_from_name(effort.toStdString()))
        return false;
    const qint64 original = messages_.messages()[std::size_t(row)].id;
    messages_.truncate(row);
    messages_.append_user(message);
    GenerationRequest request = request_for(row + 1, effort);
    request.kind = original != 0 ? GenerationRequest::Kind::edit : GenerationRequest::Kind::ask;
    request.message_id = original;
    messages_.begin_assistant(effort);
    start(std::move(request));
    return true;
}

bool ChatController::continueAnswer() {
    const auto& rows = messages_.messages();
    if (!can_generate() || rows.empty() || !MessageListModel::can_continue(rows.back()))
        return false;
    const QString effort = rows.back().effort;
    GenerationRequest request = request_for(messages_.rowCount(), effort);
    request.kind = GenerationRequest::Kind::resume;
    request.message_id = rows.back().id;
    // The model goes on inside the same message; its new text is added to it.
    request.conversation.continue_last_message = true;
    messages_.resume_assistant();
    start(std::move(request));
    return true;
}

void ChatController::switchVersion(int row, int step) {
    if (busy_ || row < 0 || row >= messages_.rowCount() || conversation_id_ == 0) return;
    const auto& m = messages_.messages()[std::size_t(row)];
    if (m.id == 0) return;
    history_.switch_branch(conversation_id_, m.id, step);
}

void ChatController::stop() {
    if (busy_) cancel_ = true;
}

void ChatController::newConversation() {
    if (busy_) return;
    messages_.clear();
    conversation_id_ = 0;
    conversation_effort_.clear();
    emit conversationChanged();
}

void ChatController::openConversation(qint64 id) {
    if (busy_ || id == conversation_id_) return;
    history_.load(id);
}

void ChatController::deleteConversation(qint64 id) {
    if (id == conversation_id_) {
        if (busy_) return;
        newConversation();
    }
    history_.remove(id);
}

void ChatController::set_busy(bool busy) {
    if (busy_ == busy) return;
    busy_ = busy;
    emit busyChanged();
}

void ChatController::set_model_state(const QString& state, const QString& error) {
    model_state_ = state;
    model_error_ = error;
    // Measured again once a model is ready; until then there is none to speak of.
    if (!modelReady() && !memory_use_.isEmpty()) {
        memory_use_.clear();
        emit memoryUseChanged();
    }
    emit modelChanged();
}
