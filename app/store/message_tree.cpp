// ConversationStore's messages: the tree (parents, siblings, branches, the current leaf) and the
// writes of a streaming message.
#include <algorithm>

#include "conversation_store.h"
#include "store_rows.h"

namespace hearth::store {
namespace {

std::unexpected<Error> no_message(MessageId id) {
    return fail("No message with id " + std::to_string(id));
}

std::string select_messages(std::string_view rest) {
    return std::string("SELECT ") + rows::message_columns + " FROM messages " + std::string(rest);
}

// The ids of `id` and everything below it.
constexpr const char* subtree_sql =
    "WITH RECURSIVE subtree(id) AS (SELECT ? UNION ALL "
    "SELECT m.id FROM subtree CROSS JOIN messages m ON m.parent_id = "
    "subtree.id) ";

} // namespace

Result<MessageId> ConversationStore::add_message(ConversationId conversation,
                                                 std::optional<MessageId> parent,
                                                 const MessageContent& body) {
    auto tool_calls = canonical_tool_calls(body.tool_calls);
    if (!tool_calls) return std::unexpected(tool_calls.error());
    auto transaction = db_.begin();
    if (!transaction) return std::unexpected(transaction.error());
    if (!parent) {
        if (auto c = this->conversation(conversation); !c) return std::unexpected(c.error());
    } else {
        auto parent_message = message(*parent);
        if (!parent_message) return std::unexpected(parent_message.error());
        if (parent_message->conversation_id != conversation) {
            return fail("Message " + std::to_string(*parent) + " belongs to another conversation");
        }
    }
    const std::int64_t now = now_ms();
    auto insert = db_.prepare(
        "INSERT INTO messages (conversation_id, parent_id, role, content, thinking, tool_calls, "
        "status, error, reasoning_effort, prompt_tokens, reused_prompt_tokens, generated_tokens, "
        "time_to_first_token_ms, tokens_per_second, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return std::unexpected(insert.error());
    const MessageStats& s = body.stats;
    auto ok = insert->bind_all(conversation, parent, role_name(body.role), body.content,
                               body.thinking, *tool_calls, status_name(body.status), body.error);
    if (ok) {
        ok = body.reasoning_effort ? insert->bind(9, effort_name(*body.reasoning_effort))
                                   : insert->bind_null(9);
    }
    if (ok) ok = insert->bind(10, s.prompt_tokens);
    if (ok) ok = insert->bind(11, s.reused_prompt_tokens);
    if (ok) ok = insert->bind(12, s.generated_tokens);
    if (ok) ok = insert->bind(13, s.time_to_first_token_ms);
    if (ok) ok = insert->bind(14, s.tokens_per_second);
    if (ok) ok = insert->bind(15, now);
    if (ok) ok = insert->bind(16, now);
    if (ok) ok = insert->run();
    if (!ok) return std::unexpected(ok.error());
    const MessageId id = db_.last_insert_rowid();
    auto leaf = db_.prepare("UPDATE conversations SET current_leaf_id = ?, "
                            "updated_ms = max(updated_ms, ?) WHERE id = ?");
    if (!leaf) return std::unexpected(leaf.error());
    ok = leaf->bind_all(id, now, conversation);
    if (ok) ok = leaf->run();
    if (ok) ok = transaction->commit();
    if (!ok) return std::unexpected(ok.error());
    return id;
}

Result<Message> ConversationStore::message(MessageId id) {
    auto query = db_.prepare(select_messages("WHERE id = ?"));
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(id); !ok) return std::unexpected(ok.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return no_message(id);
    return rows::read_message(*query);
}

Result<std::vector<Message>> ConversationStore::children(ConversationId conversation,
                                                         std::optional<MessageId> parent) {
    auto query = parent ? db_.prepare(select_messages("WHERE parent_id = ? ORDER BY id"))
                        : db_.prepare(select_messages(
                              "WHERE conversation_id = ? AND parent_id IS NULL ORDER BY id"));
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(parent.value_or(conversation)); !ok) {
        return std::unexpected(ok.error());
    }
    return rows::read_messages(*query);
}

Result<std::vector<Message>> ConversationStore::siblings(MessageId id) {
    auto self = message(id);
    if (!self) return std::unexpected(self.error());
    return children(self->conversation_id, self->parent_id);
}

Result<std::vector<Message>> ConversationStore::path_to(MessageId leaf) {
    // Each step looks the parent up by rowid. (Written as a join, SQLite 3.40 builds a Bloom
    // filter over all messages at every step: 20x slower on a large history.)
    auto query = db_.prepare(
        std::string("WITH RECURSIVE chain(id, depth) AS (SELECT ?, 0 UNION ALL "
                    "SELECT (SELECT parent_id FROM messages WHERE messages.id = chain.id), "
                    "chain.depth + 1 FROM chain WHERE chain.id IS NOT NULL) ") +
        "SELECT " + rows::message_columns +
        " FROM chain CROSS JOIN messages ON messages.id = chain.id ORDER BY chain.depth DESC");
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(leaf); !ok) return std::unexpected(ok.error());
    auto path = rows::read_messages(*query);
    if (path && path->empty()) return no_message(leaf);
    return path;
}

Result<std::vector<Message>> ConversationStore::current_path(ConversationId id) {
    auto c = conversation(id);
    if (!c) return std::unexpected(c.error());
    if (!c->current_leaf) return std::vector<Message>{};
    return path_to(*c->current_leaf);
}

Result<void> ConversationStore::set_current_leaf(ConversationId conversation, MessageId leaf) {
    auto m = message(leaf);
    if (!m) return std::unexpected(m.error());
    if (m->conversation_id != conversation) {
        return fail("Message " + std::to_string(leaf) + " belongs to another conversation");
    }
    auto update = db_.prepare("UPDATE conversations SET current_leaf_id = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(leaf, conversation);
    if (ok) ok = update->run();
    return ok;
}

Result<MessageId> ConversationStore::switch_to_branch(MessageId id) {
    auto m = message(id);
    if (!m) return std::unexpected(m.error());
    // A child is always newer than its parent, so the subtree's newest message is a leaf: the
    // end of the branch the user last worked on below `id`.
    auto query = db_.prepare(std::string(subtree_sql) + "SELECT max(id) FROM subtree");
    if (!query) return std::unexpected(query.error());
    auto ok = query->bind_all(id);
    if (!ok) return std::unexpected(ok.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    const MessageId leaf = query->column_int64(0);
    if (auto set = set_current_leaf(m->conversation_id, leaf); !set) {
        return std::unexpected(set.error());
    }
    return leaf;
}

Result<MessageId> ConversationStore::edit_message(MessageId original,
                                                  std::string_view new_content) {
    auto m = message(original);
    if (!m) return std::unexpected(m.error());
    MessageContent edited;
    edited.role = m->body.role;
    edited.content = std::string(new_content);
    return add_message(m->conversation_id, m->parent_id, edited);
}

Result<void> ConversationStore::delete_message(MessageId id) {
    auto m = message(id);
    if (!m) return std::unexpected(m.error());
    auto transaction = db_.begin();
    if (!transaction) return std::unexpected(transaction.error());
    // The current leaf moves to the parent when it lies inside the deleted subtree.
    auto move_leaf = db_.prepare(std::string(subtree_sql) +
                                 "UPDATE conversations SET current_leaf_id = ? WHERE id = ? AND "
                                 "current_leaf_id IN (SELECT id FROM subtree)");
    if (!move_leaf) return std::unexpected(move_leaf.error());
    auto ok = move_leaf->bind_all(id, m->parent_id, m->conversation_id);
    if (ok) ok = move_leaf->run();
    if (!ok) return ok;
    auto remove = db_.prepare(std::string(subtree_sql) +
                              "DELETE FROM messages WHERE id IN (SELECT id FROM subtree)");
    if (!remove) return std::unexpected(remove.error());
    ok = remove->bind_all(id);
    if (ok) ok = remove->run();
    if (ok) ok = touch(m->conversation_id, now_ms());
    if (ok) ok = transaction->commit();
    return ok;
}

Result<void> ConversationStore::write_streaming_text(MessageId id, std::string_view content,
                                                     std::string_view thinking,
                                                     std::string_view tool_calls) {
    auto canonical = canonical_tool_calls(tool_calls);
    if (!canonical) return std::unexpected(canonical.error());
    auto update = db_.prepare("UPDATE messages SET content = ?, thinking = ?, tool_calls = ?, "
                              "updated_ms = ? WHERE id = ? AND status = 'streaming'");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(content, thinking, *canonical, now_ms(), id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) {
        return fail("Message " + std::to_string(id) + " is not streaming");
    }
    return {};
}

Result<void> ConversationStore::reopen_answer(MessageId id) {
    auto update =
        db_.prepare("UPDATE messages SET status = 'streaming', error = '', updated_ms = ? "
                    "WHERE id = ? AND role = 'assistant' AND status <> 'streaming'");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(now_ms(), id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) {
        return fail("Message " + std::to_string(id) + " is not a finished answer");
    }
    return {};
}

Result<void> ConversationStore::finish_message(MessageId id, const MessageContent& body) {
    if (body.status == MessageStatus::streaming) {
        return fail("finish_message needs a final status, not streaming");
    }
    auto tool_calls = canonical_tool_calls(body.tool_calls);
    if (!tool_calls) return std::unexpected(tool_calls.error());
    auto m = message(id);
    if (!m) return std::unexpected(m.error());
    auto transaction = db_.begin();
    if (!transaction) return std::unexpected(transaction.error());
    auto update = db_.prepare(
        "UPDATE messages SET content = ?, thinking = ?, tool_calls = ?, status = ?, error = ?, "
        "reasoning_effort = coalesce(?, reasoning_effort), prompt_tokens = ?, "
        "reused_prompt_tokens = ?, generated_tokens = ?, time_to_first_token_ms = ?, "
        "tokens_per_second = ?, updated_ms = ? WHERE id = ? AND status = 'streaming'");
    if (!update) return std::unexpected(update.error());
    const std::int64_t now = now_ms();
    const MessageStats& s = body.stats;
    auto ok = update->bind_all(body.content, body.thinking, *tool_calls, status_name(body.status),
                               body.error);
    if (ok) {
        ok = body.reasoning_effort ? update->bind(6, effort_name(*body.reasoning_effort))
                                   : update->bind_null(6);
    }
    if (ok) ok = update->bind(7, s.prompt_tokens);
    if (ok) ok = update->bind(8, s.reused_prompt_tokens);
    if (ok) ok = update->bind(9, s.generated_tokens);
    if (ok) ok = update->bind(10, s.time_to_first_token_ms);
    if (ok) ok = update->bind(11, s.tokens_per_second);
    if (ok) ok = update->bind(12, now);
    if (ok) ok = update->bind(13, id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) return fail("Message " + std::to_string(id) + " is not streaming");
    ok = touch(m->conversation_id, now);
    if (ok) ok = transaction->commit();
    return ok;
}

Result<std::int64_t> ConversationStore::mark_streaming_interrupted() {
    auto ok = db_.execute("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");
    if (!ok) return std::unexpected(ok.error());
    return db_.changes();
}

} // namespace hearth::store
