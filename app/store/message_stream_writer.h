// Saves an answer while the model writes it: the text is kept in memory and written to the store
// in small transactions, at most every `interval` or every `max_pending_deltas` deltas (about one
// token each), whichever comes first. A crash loses at most that much.
//
// A failed write (disk full, read-only file) returns its error and keeps everything in memory:
// the next event, flush() or finish() writes it all again, so the text is never lost while this
// object lives. The store must outlive the writer; both belong to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "conversation_store.h"
#include "hearth/chat_session.h"
#include "hearth/harmony_parser.h"

namespace hearth::store {

struct StreamWritePolicy {
    std::chrono::milliseconds interval{250};
    std::int64_t max_pending_deltas = 32;
};

class MessageStreamWriter {
  public:
    // Milliseconds on a monotonic clock; tests pass their own.
    using Clock = std::function<std::int64_t()>;
    static std::int64_t steady_ms();

    // Adds a streaming assistant message under `parent` (the user's message, or for a
    // regeneration the old answer's parent) and makes it the current leaf.
    static Result<MessageStreamWriter>
    begin(ConversationStore& store, ConversationId conversation, std::optional<MessageId> parent,
          harmony::ReasoningEffort effort, StreamWritePolicy policy = {}, Clock clock = steady_ms);

    // Writes more of an existing assistant message (continuing an answer cut off at the token
    // limit): it is streaming again, what it holds is kept and new text is added after it.
    static Result<MessageStreamWriter> resume(ConversationStore& store, MessageId message,
                                              harmony::ReasoningEffort effort,
                                              StreamWritePolicy policy = {},
                                              Clock clock = steady_ms);

    MessageId id() const { return id_; }

    // A parser event: analysis text goes to thinking, other text to content (a tool call's
    // arguments arrive whole with ToolCallCompleted). Writes when a write is due.
    Result<void> on_event(const harmony::ParserEvent& event);
    Result<void> append(harmony::Channel channel, std::string_view text);
    Result<void> add_tool_call(std::string_view recipient, std::string_view content_type,
                               std::string_view arguments);
    // Writes what has not been written yet, now.
    Result<void> flush();
    // The last write: final text, status (complete, cancelled or failed), stats and error.
    // On failure the message stays streaming and finish() may be called again.
    Result<void> finish(MessageStatus status, const MessageStats& stats, std::string error = {});

    // The answer ended with a tool call and `result` answers it: finishes this message (complete,
    // with `stats`), adds the tool's message under it and returns the writer of the answer that
    // follows, under the tool's message. When the store fails, this message may already be
    // finished and no tool message follows it.
    Result<MessageStreamWriter> answer_tool_call(std::string_view result,
                                                 const MessageStats& stats);

    const std::string& content() const { return content_; }
    const std::string& thinking() const { return thinking_; }
    const std::string& tool_calls() const { return tool_calls_; } // JSON array text, or ""
    bool has_unsaved_text() const { return pending_deltas_ > 0; }
    bool finished() const { return finished_; }

  private:
    MessageStreamWriter(ConversationStore& store, MessageId id, harmony::ReasoningEffort effort,
                        StreamWritePolicy policy, Clock clock);
    Result<void> changed();

    ConversationStore* store_;
    MessageId id_;
    harmony::ReasoningEffort effort_;
    StreamWritePolicy policy_;
    Clock clock_;
    std::int64_t last_write_ms_;
    std::int64_t pending_deltas_ = 0;
    bool in_tool_call_message_ = false;
    bool finished_ = false;
    std::string content_, thinking_, tool_calls_;
};

// The store's view of the runtime's numbers.
MessageStats message_stats(const GenerationStats& stats);
// complete; cancelled when the user stopped it; length when the token limit cut it off.
MessageStatus final_status(harmony::EndReason reason);
// interrupted when the model's GPU stopped under the answer (Error::needs_reload): what it wrote
// can go on once the model is loaded again; failed for anything else.
MessageStatus failure_status(const Error& error);

} // namespace hearth::store
