// The values the conversation store keeps: conversations and their message trees.
//
// Units: ids are SQLite rowids (int64, never reused while the row exists); timestamps are
// milliseconds since the Unix epoch (UTC); durations are milliseconds; speeds are tokens per
// second. Tool calls are JSON text (see docs/conversation-store.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hearth/harmony.h"

namespace hearth::store {

using ConversationId = std::int64_t;
using MessageId = std::int64_t;

// Sampling a conversation is answered with (hearth::SamplingSettings plus the token limit).
struct SamplingSettings {
    double temperature = 1.0;
    double top_p = 1.0;
    std::int64_t top_k = 0;
    double min_p = 0.0;
    std::optional<std::int64_t> seed{}; // none: a fresh seed per answer
    std::int64_t max_tokens = 8192;

    bool operator==(const SamplingSettings&) const = default;
};

// How a conversation is answered; a new conversation starts from these.
struct ConversationSettings {
    std::string model{};          // which model file answered, e.g. "gpt-oss-20b"
    std::string model_identity{}; // Harmony's model identity (the system message's first line)
    harmony::ReasoningEffort reasoning_effort = harmony::ReasoningEffort::medium;
    std::string instructions{}; // system/developer instructions; empty for none
    SamplingSettings sampling{};

    bool operator==(const ConversationSettings&) const = default;
};

struct Conversation {
    ConversationId id = 0;
    std::string title{};
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0; // the latest change to the conversation or its messages
    bool pinned = false;
    bool archived = false;
    ConversationSettings settings{};
    // The message the UI shows last: the path from the root to it is the visible branch.
    std::optional<MessageId> current_leaf{};

    bool operator==(const Conversation&) const = default;
};

enum class MessageStatus {
    streaming,   // being generated; written in small transactions as it grows
    complete,    // finished normally
    length,      // cut off at the token limit; it can be continued
    cancelled,   // the user stopped it; the text so far is kept
    failed,      // generation failed; `error` says why
    // cut off from outside, text kept: left streaming by a crash (marked at the next open), or
    // its model's GPU stopped (`error` says so)
    interrupted,
};

struct MessageStats {
    std::int64_t prompt_tokens = 0;
    std::int64_t reused_prompt_tokens = 0;
    std::int64_t generated_tokens = 0;
    double time_to_first_token_ms = 0;
    double tokens_per_second = 0;

    bool operator==(const MessageStats&) const = default;
};

// What a new message is made of; the store adds the id, tree position and timestamps.
struct MessageContent {
    harmony::Role role = harmony::Role::user;
    std::string content{};    // the answer (final channel), the user's text, or a tool's result
    std::string thinking{};   // the analysis channel
    std::string tool_calls{}; // JSON array of {"type","function":{name,arguments,content_type}}; ""
    MessageStatus status = MessageStatus::complete;
    std::string error{}; // why it failed; empty otherwise
    // The effort an assistant message was generated with; none for other roles.
    std::optional<harmony::ReasoningEffort> reasoning_effort{};
    MessageStats stats{};

    bool operator==(const MessageContent&) const = default;
};

struct Message {
    MessageId id = 0;
    ConversationId conversation_id = 0;
    std::optional<MessageId> parent_id{}; // none for a first message
    MessageContent body{};
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;

    bool operator==(const Message&) const = default;
};

std::string_view role_name(harmony::Role role);
std::optional<harmony::Role> role_from_name(std::string_view name);
std::string_view effort_name(harmony::ReasoningEffort effort);
std::optional<harmony::ReasoningEffort> effort_from_name(std::string_view name);
std::string_view status_name(MessageStatus status);
std::optional<MessageStatus> status_from_name(std::string_view name);

// Milliseconds since the epoch, now.
std::int64_t now_ms();

} // namespace hearth::store
