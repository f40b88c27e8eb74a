#include "InferenceWorker.h"

#include <QFileInfo>

#include "message_stream_writer.h"

namespace {

// Context for the GUI's conversations; longer ones are refused with a clear message.
constexpr std::uint32_t context_tokens = 8192;

QString end_reason_name(hearth::harmony::EndReason reason) {
    using hearth::harmony::EndReason;
    switch (reason) {
    case EndReason::length: return QStringLiteral("length");
    case EndReason::cancelled: return QStringLiteral("cancelled");
    case EndReason::call: return QStringLiteral("tool call");
    default: return QStringLiteral("complete");
    }
}

} // namespace

void InferenceWorker::load(const QString& path) {
    session_.reset();
    model_.reset();
    auto model = hearth::Model::load(path.toStdString());
    if (!model) {
        emit loadFailed(QString::fromStdString(model.error().message));
        return;
    }
    auto session =
        hearth::ChatSession::create(*model, std::min(context_tokens, (*model)->context_length()));
    if (!session) {
        emit loadFailed(QString::fromStdString(session.error().message));
        return;
    }
    model_ = *model;
    model_name_ = QFileInfo(path).fileName().toStdString();
    session_ = std::make_unique<hearth::ChatSession>(std::move(*session));
    emit loaded(
        QFileInfo(path).fileName(),
        QString::fromUtf8(model_->backend_name().data(), qsizetype(model_->backend_name().size())));
}

void InferenceWorker::generate(qint64 id, const hearth::harmony::Conversation& conversation,
                               const hearth::GenerationOptions& options) {
    if (!session_) {
        emit generationFailed(tr("No model is loaded."));
        return;
    }
    // The reply streams into the history as it is written; a failed write keeps the text in
    // the writer's memory and is retried with the next event.
    std::optional<hearth::store::MessageStreamWriter> writer;
    if (auto recorded = record_question(id, conversation)) {
        auto begun = hearth::store::MessageStreamWriter::begin(
            *history_, recorded->first, recorded->second, conversation.reasoning_effort);
        if (begun) writer.emplace(std::move(*begun));
        emit conversationRecorded(recorded->first);
    }
    auto stats = session_->generate(
        conversation, options,
        [this, &writer](const hearth::harmony::ParserEvent& event) {
            if (writer) (void)writer->on_event(event);
            if (const auto* delta = std::get_if<hearth::harmony::TextDelta>(&event)) {
                emit textArrived(delta->channel != hearth::harmony::Channel::final,
                                 QString::fromStdString(delta->text));
            }
        },
        &cancel_);
    if (writer) {
        auto finished =
            stats ? writer->finish(hearth::store::final_status(stats->end_reason),
                                   hearth::store::message_stats(*stats))
                  : writer->finish(hearth::store::MessageStatus::failed, {}, stats.error().message);
        if (!finished) emit historyFailed(QString::fromStdString(finished.error().message));
    }
    if (!stats) {
        emit generationFailed(QString::fromStdString(stats.error().message));
        return;
    }
    emit generationFinished(end_reason_name(stats->end_reason));
}

void InferenceWorker::openHistory(const QString& path) {
    auto store = hearth::store::ConversationStore::open(path.toStdString());
    if (!store) {
        emit historyFailed(QString::fromStdString(store.error().message));
        return;
    }
    history_.emplace(std::move(*store));
}

std::optional<std::pair<hearth::store::ConversationId, hearth::store::MessageId>>
InferenceWorker::record_question(qint64 id, const hearth::harmony::Conversation& conversation) {
    if (!history_ || conversation.messages.empty()) return std::nullopt;
    const std::string& question = conversation.messages.back().content;
    hearth::store::ConversationId conversation_id = id;
    std::optional<hearth::store::MessageId> parent;
    if (conversation_id == 0) {
        hearth::store::NewConversation fresh;
        // The first words of the first question, on one line, as the title.
        fresh.title = QString::fromStdString(question).simplified().left(60).toStdString();
        fresh.settings.reasoning_effort = conversation.reasoning_effort;
        fresh.settings.model = model_name_;
        auto created = history_->create_conversation(fresh);
        if (!created) {
            emit historyFailed(QString::fromStdString(created.error().message));
            return std::nullopt;
        }
        conversation_id = *created;
    } else if (auto existing = history_->conversation(conversation_id); existing) {
        parent = existing->current_leaf;
    }
    hearth::store::MessageContent content;
    content.role = hearth::harmony::Role::user;
    content.content = question;
    auto message = history_->add_message(conversation_id, parent, content);
    if (!message) {
        emit historyFailed(QString::fromStdString(message.error().message));
        return std::nullopt;
    }
    return std::pair{conversation_id, *message};
}
