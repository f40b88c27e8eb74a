// Internal: the column lists and row readers shared by the store's queries.
#pragma once

#include "sqlite_database.h"
#include "store_types.h"

namespace hearth::store::rows {

// SELECT CONVERSATION_COLUMNS FROM conversations ...
inline constexpr const char* conversation_columns =
    "id, title, created_ms, updated_ms, pinned, archived, model, model_identity, "
    "reasoning_effort, instructions, temperature, top_p, top_k, min_p, seed, max_tokens, "
    "current_leaf_id";

// SELECT MESSAGE_COLUMNS FROM messages ...
inline constexpr const char* message_columns =
    "messages.id, conversation_id, parent_id, role, content, thinking, tool_calls, status, error, "
    "reasoning_effort, prompt_tokens, reused_prompt_tokens, generated_tokens, "
    "time_to_first_token_ms, tokens_per_second, created_ms, updated_ms";

Conversation read_conversation(const Statement& row);
Message read_message(const Statement& row);

// Runs a prepared query of message_columns rows to the end.
Result<std::vector<Message>> read_messages(Statement& query);

} // namespace hearth::store::rows
