#include "ChatController.h"

#include <QDate>
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
    connect(worker_, &InferenceWorker::generationFinished, this,
            [this](const QString& reason, int, double, double) {
                messages_.finish_assistant(reason);
                set_busy(false);
                emit answerFinished(reason);
            });
    connect(worker_, &InferenceWorker::generationFailed, this, [this](const QString& message) {
        messages_.finish_assistant(QStringLiteral("failed"), message);
        set_busy(false);
        emit answerFinished(QStringLiteral("failed"));
    });
    thread_.start();
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
        [worker = worker_, conversation, options] { worker->generate(conversation, options); },
        Qt::QueuedConnection);
    return true;
}

void ChatController::stop() {
    if (busy_) cancel_ = true;
}

void ChatController::newConversation() {
    if (busy_) return;
    messages_.clear();
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
