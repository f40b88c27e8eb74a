#include "ChatController.h"

#include <QDate>
#include <QDir>
#include <QStandardPaths>
#include <QUrl>

#include "InferenceWorker.h"

namespace {

hearth::harmony::Message to_harmony(const MessageListModel::Message& m) {
    hearth::harmony::Message message;
    message.role = m.author == QLatin1String("user") ? hearth::harmony::Role::user
                                                     : hearth::harmony::Role::assistant;
    message.content = m.answer.toStdString();
    message.thinking = m.reasoning.toStdString();
    return message;
}

} // namespace

ChatController::ChatController(QObject* parent)
    : QObject(parent), worker_(new InferenceWorker(cancel_)) {
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &InferenceWorker::loaded, this,
            [this](const QString& name, const QString& backend) {
                model_name_ = name;
                backend_name_ = backend;
                set_model_state(QStringLiteral("ready"));
            });
    connect(worker_, &InferenceWorker::loadFailed, this,
            [this](const QString& message) { set_model_state(QStringLiteral("failed"), message); });
    connect(
        worker_, &InferenceWorker::textArrived, this,
        [this](bool reasoning, const QString& text) { messages_.append_text(reasoning, text); });
    connect(worker_, &InferenceWorker::generationFinished, this, [this](const QString& reason) {
        messages_.finish_assistant(reason);
        set_busy(false);
        history_.refresh();
    });
    connect(worker_, &InferenceWorker::generationFailed, this, [this](const QString& message) {
        messages_.finish_assistant(QStringLiteral("failed"), message);
        set_busy(false);
        history_.refresh();
    });
    connect(worker_, &InferenceWorker::historyFailed, &history_, &ConversationHistory::set_error);
    connect(worker_, &InferenceWorker::conversationRecorded, this, [this](qint64 id) {
        history_.refresh();
        if (id == conversation_id_) return;
        conversation_id_ = id;
        emit conversationChanged();
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
                    message.effort = m.value(QStringLiteral("effort")).toString();
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

void ChatController::setMaxTokens(int tokens) {
    if (tokens < 1 || tokens == max_tokens_) return;
    max_tokens_ = tokens;
    emit maxTokensChanged();
}

void ChatController::loadModel(const QString& location) {
    if (busy_ || location.isEmpty()) return;
    const QUrl url(location);
    const QString path = url.isLocalFile() ? url.toLocalFile() : location;
    set_model_state(QStringLiteral("loading"));
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, path] { worker->load(path); }, Qt::QueuedConnection);
}

bool ChatController::send(const QString& text, const QString& effort) {
    const QString message = text.trimmed();
    const auto level = hearth::harmony::reasoning_effort_from_name(effort.toStdString());
    if (model_state_ != QLatin1String("ready") || busy_ || message.isEmpty() || !level)
        return false;

    messages_.append_user(message);
    hearth::harmony::Conversation conversation;
    conversation.reasoning_effort = *level;
    conversation.current_date = QDate::currentDate().toString(Qt::ISODate).toStdString();
    for (const auto& m : messages_.messages())
        conversation.messages.push_back(to_harmony(m));
    messages_.begin_assistant(effort);

    hearth::GenerationOptions options;
    options.max_tokens = static_cast<std::uint32_t>(max_tokens_);
    cancel_ = false;
    set_busy(true);
    QMetaObject::invokeMethod(
        worker_,
        [worker = worker_, id = conversation_id_, conversation, options] {
            worker->generate(id, conversation, options);
        },
        Qt::QueuedConnection);
    return true;
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
    emit modelChanged();
}
