// Conversations as JSON, and back: the portable, lossless form (docs/conversation-store.md).
//
// Each message has the conversation-file shape (role, content, thinking, tool_calls; see
// docs/conversation-format.md) plus the store's fields (id, parent, status, stats, timestamps),
// so the whole tree survives, not only the visible branch.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "conversation_store.h"

namespace hearth::store {

inline constexpr std::string_view export_format_name = "hearth-conversations";
inline constexpr std::int64_t export_format_version = 1;

// The conversations named, in that order; all of them, oldest first, when `ids` is empty.
// Pretty-printed UTF-8 JSON.
Result<std::string> export_json(ConversationStore& store, std::span<const ConversationId> ids = {});

// Adds every conversation in `json` (from export_json) as new conversations with new ids; the
// tree, current leaf, statuses, stats and timestamps are kept. All or nothing: one transaction.
// Returns the new ids in file order.
Result<std::vector<ConversationId>> import_json(ConversationStore& store, std::string_view json);

} // namespace hearth::store
