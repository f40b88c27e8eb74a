// Conversations as Markdown, for reading and sharing: the visible branch (root to current leaf)
// of each conversation, reasoning folded in <details>, tool calls as JSON code blocks. Branches
// not shown are left out; export_json keeps everything.
#pragma once

#include <span>
#include <string>

#include "conversation_store.h"

namespace hearth::store {

// The conversations named, in that order, separated by rules; all of them when `ids` is empty.
Result<std::string> export_markdown(ConversationStore& store,
                                    std::span<const ConversationId> ids = {});

// "2024-05-01 09:30 UTC"
std::string utc_minute_text(std::int64_t ms_since_epoch);

} // namespace hearth::store
