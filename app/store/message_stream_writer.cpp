#include "message_stream_writer.h"

#include "tool_calls.h"

namespace hearth::store {

std::int64_t MessageStreamWriter::steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

MessageStreamWriter::MessageStreamWriter(ConversationStore& store, MessageId id,
                                         harmony::ReasoningEffort effort, StreamWritePolicy policy,
                                         Clock clock)
    : store_(&store), id_(id), effort_(effort), policy_(policy), clock_(std::move(clock)),
      last_write_ms_(clock_()) {}

Result<MessageStreamWriter> MessageStreamWriter::begin(ConversationStore& store,
                                                       ConversationId conversation,
                                                       std::optional<MessageId> parent,
                                                       harmony::ReasoningEffort effort,
                                                       StreamWritePolicy policy, Clock clock) {
    MessageContent draft;
    draft.role = harmony::Role::assistant;
    draft.status = MessageStatus::streaming;
    draft.reasoning_effort = effort;
    auto id = store.add_message(conversation, parent, draft);
    if (!id) return std::unexpected(id.error());
    return MessageStreamWriter(store, *id, effort, policy, std::move(clock));
}

Result<MessageStreamWriter> MessageStreamWriter::resume(ConversationStore& store, MessageId message,
                                                        harmony::ReasoningEffort effort,
                                                        StreamWritePolicy policy, Clock clock) {
    auto existing = store.message(message);
    if (!existing) return std::unexpected(existing.error());
    if (existing->body.role != harmony::Role::assistant) {
        return fail("Message " + std::to_string(message) + " is not an answer");
    }
    if (auto reopened = store.reopen_answer(message); !reopened) {
        return std::unexpected(reopened.error());
    }
    MessageStreamWriter writer(store, message, effort, policy, std::move(clock));
    writer.content_ = existing->body.content;
    writer.thinking_ = existing->body.thinking;
    writer.tool_calls_ = existing->body.tool_calls;
    return writer;
}

Result<void> MessageStreamWriter::on_event(const harmony::ParserEvent& event) {
    if (const auto* started = std::get_if<harmony::MessageStarted>(&event)) {
        in_tool_call_message_ = !started->header.recipient.empty();
        return {};
    }
    if (const auto* delta = std::get_if<harmony::TextDelta>(&event)) {
        if (in_tool_call_message_) return {};
        return append(delta->channel, delta->text);
    }
    if (const auto* call = std::get_if<harmony::ToolCallCompleted>(&event)) {
        return add_tool_call(call->recipient, call->content_type, call->arguments);
    }
    if (std::holds_alternative<harmony::MessageEnded>(event)) in_tool_call_message_ = false;
    return {};
}

Result<void> MessageStreamWriter::append(harmony::Channel channel, std::string_view text) {
    if (finished_) return fail("Message " + std::to_string(id_) + " is already finished");
    (channel == harmony::Channel::analysis ? thinking_ : content_) += text;
    return changed();
}

Result<void> MessageStreamWriter::add_tool_call(std::string_view recipient,
                                                std::string_view content_type,
                                                std::string_view arguments) {
    if (finished_) return fail("Message " + std::to_string(id_) + " is already finished");
    tool_calls_ = with_tool_call(
        tool_calls_, tool_call_to(recipient, std::string(arguments), std::string(content_type)));
    return changed();
}

Result<void> MessageStreamWriter::changed() {
    ++pending_deltas_;
    const bool due = pending_deltas_ >= policy_.max_pending_deltas ||
                     clock_() - last_write_ms_ >= policy_.interval.count();
    return due ? flush() : Result<void>{};
}

Result<void> MessageStreamWriter::flush() {
    if (finished_ || pending_deltas_ == 0) return {};
    auto ok = store_->write_streaming_text(id_, content_, thinking_, tool_calls_);
    // Failed or not, wait a full interval: a failing disk is not retried on every token.
    last_write_ms_ = clock_();
    if (ok) pending_deltas_ = 0;
    return ok;
}

Result<void> MessageStreamWriter::finish(MessageStatus status, const MessageStats& stats,
                                         std::string error) {
    if (finished_) return fail("Message " + std::to_string(id_) + " is already finished");
    MessageContent body;
    body.role = harmony::Role::assistant;
    body.content = content_;
    body.thinking = thinking_;
    body.tool_calls = tool_calls_;
    body.status = status;
    body.error = std::move(error);
    body.reasoning_effort = effort_;
    body.stats = stats;
    auto ok = store_->finish_message(id_, body);
    if (ok) {
        finished_ = true;
        pending_deltas_ = 0;
    }
    return ok;
}

Result<MessageStreamWriter> MessageStreamWriter::answer_tool_call(std::string_view result,
                                                                  const MessageStats& stats) {
    auto self = store_->message(id_);
    if (!self) return std::unexpected(self.error());
    if (auto finished = finish(MessageStatus::complete, stats); !finished) {
        return std::unexpected(finished.error());
    }
    MessageContent tool;
    tool.role = harmony::Role::tool;
    tool.content = std::string(result);
    auto tool_id = store_->add_message(self->conversation_id, id_, tool);
    if (!tool_id) return std::unexpected(tool_id.error());
    return begin(*store_, self->conversation_id, *tool_id, effort_, policy_, clock_);
}

MessageStats message_stats(const GenerationStats& stats) {
    MessageStats s;
    s.prompt_tokens = stats.prompt_tokens;
    s.reused_prompt_tokens = stats.reused_prompt_tokens;
    s.generated_tokens = stats.generated_tokens;
    s.time_to_first_token_ms = stats.time_to_first_token_seconds * 1000.0;
    s.tokens_per_second =
        stats.generation_seconds > 0 ? stats.generated_tokens / stats.generation_seconds : 0.0;
    return s;
}

MessageStatus final_status(harmony::EndReason reason) {
    switch (reason) {
    case harmony::EndReason::cancelled: return MessageStatus::cancelled;
    case harmony::EndReason::length: return MessageStatus::length;
    default: return MessageStatus::complete;
    }
}

MessageStatus failure_status(const Error& error) {
    return error.needs_reload ? MessageStatus::interrupted : MessageStatus::failed;
}

} // namespace hearth::store
