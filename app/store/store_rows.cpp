#include "store_rows.h"

namespace hearth::store::rows {

Conversation read_conversation(const Statement& row) {
    Conversation c;
    c.id = row.column_int64(0);
    c.title = row.column_text(1);
    c.created_ms = row.column_int64(2);
    c.updated_ms = row.column_int64(3);
    c.pinned = row.column_int64(4) != 0;
    c.archived = row.column_int64(5) != 0;
    c.settings.model = row.column_text(6);
    c.settings.model_identity = row.column_text(7);
    // The schema's CHECK constraints keep these names valid.
    c.settings.reasoning_effort =
        effort_from_name(row.column_text(8)).value_or(harmony::ReasoningEffort::medium);
    c.settings.instructions = row.column_text(9);
    c.settings.sampling.temperature = row.column_double(10);
    c.settings.sampling.top_p = row.column_double(11);
    c.settings.sampling.top_k = row.column_int64(12);
    c.settings.sampling.min_p = row.column_double(13);
    c.settings.sampling.seed = row.column_optional_int64(14);
    c.settings.sampling.max_tokens = row.column_int64(15);
    c.current_leaf = row.column_optional_int64(16);
    return c;
}

Message read_message(const Statement& row) {
    Message m;
    m.id = row.column_int64(0);
    m.conversation_id = row.column_int64(1);
    m.parent_id = row.column_optional_int64(2);
    m.body.role = role_from_name(row.column_text(3)).value_or(harmony::Role::user);
    m.body.content = row.column_text(4);
    m.body.thinking = row.column_text(5);
    m.body.tool_calls = row.column_text(6);
    m.body.status = status_from_name(row.column_text(7)).value_or(MessageStatus::complete);
    m.body.error = row.column_text(8);
    if (!row.column_is_null(9)) m.body.reasoning_effort = effort_from_name(row.column_text(9));
    m.body.stats.prompt_tokens = row.column_int64(10);
    m.body.stats.reused_prompt_tokens = row.column_int64(11);
    m.body.stats.generated_tokens = row.column_int64(12);
    m.body.stats.time_to_first_token_ms = row.column_double(13);
    m.body.stats.tokens_per_second = row.column_double(14);
    m.created_ms = row.column_int64(15);
    m.updated_ms = row.column_int64(16);
    return m;
}

Result<std::vector<Message>> read_messages(Statement& query) {
    std::vector<Message> messages;
    while (true) {
        auto row = query.step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return messages;
        messages.push_back(read_message(query));
    }
}

} // namespace hearth::store::rows
