// Opening the store and the conversation rows. The message tree is in message_tree.cpp.
#include "conversation_store.h"

#include <nlohmann/json.hpp>

#include "schema.h"
#include "store_rows.h"

namespace hearth::store {
namespace {

std::unexpected<Error> no_conversation(ConversationId id) {
    return fail("No conversation with id " + std::to_string(id));
}

} // namespace

Result<ConversationStore> ConversationStore::open(const std::filesystem::path& path,
                                                  StoreOpenOptions options) {
    auto db = Database::open_connection(path, {.create = true, .read_only = options.read_only});
    if (!db) return std::unexpected(db.error());
    // Before anything writes: WAL mode alone would change another application's file.
    if (auto ok = check_identity(*db); !ok) return std::unexpected(ok.error());
    if (auto ok = db->configure(); !ok) return std::unexpected(ok.error());
    ConversationStore store(std::move(*db));
    if (options.read_only) {
        auto version = schema_version(store.db_);
        if (!version) return std::unexpected(version.error());
        if (*version != current_schema_version()) {
            return fail("Cannot open " + path.string() + " read-only: it needs an upgrade first",
                        "schema version " + std::to_string(*version));
        }
        return store;
    }
    if (auto ok = migrate(store.db_); !ok) return std::unexpected(ok.error());
    auto interrupted = store.mark_streaming_interrupted();
    if (!interrupted) return std::unexpected(interrupted.error());
    store.interrupted_at_open_ = *interrupted;
    return store;
}

Result<ConversationId> ConversationStore::create_conversation(const NewConversation& c) {
    const std::int64_t created = c.created_ms.value_or(now_ms());
    auto insert = db_.prepare(
        "INSERT INTO conversations (title, created_ms, updated_ms, pinned, archived, model, "
        "model_identity, reasoning_effort, instructions, temperature, top_p, top_k, min_p, seed, "
        "max_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return std::unexpected(insert.error());
    const ConversationSettings& s = c.settings;
    auto ok = insert->bind_all(c.title, created, created, c.pinned, c.archived, s.model,
                               s.model_identity, effort_name(s.reasoning_effort), s.instructions,
                               s.sampling.temperature, s.sampling.top_p, s.sampling.top_k,
                               s.sampling.min_p, s.sampling.seed, s.sampling.max_tokens);
    if (ok) ok = insert->run();
    if (!ok) return std::unexpected(ok.error());
    return db_.last_insert_rowid();
}

Result<Conversation> ConversationStore::conversation(ConversationId id) {
    auto query = db_.prepare(std::string("SELECT ") + rows::conversation_columns +
                             " FROM conversations WHERE id = ?");
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(id); !ok) return std::unexpected(ok.error());
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return no_conversation(id);
    return rows::read_conversation(*query);
}

Result<std::vector<Conversation>>
ConversationStore::list_conversations(const ConversationPageQuery& page) {
    auto query = db_.prepare(std::string("SELECT ") + rows::conversation_columns +
                             " FROM conversations WHERE archived = ?"
                             " ORDER BY pinned DESC, updated_ms DESC, id DESC LIMIT ? OFFSET ?");
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(page.archived, page.limit, page.offset); !ok) {
        return std::unexpected(ok.error());
    }
    std::vector<Conversation> list;
    while (true) {
        auto row = query->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return list;
        list.push_back(rows::read_conversation(*query));
    }
}

Result<std::vector<ConversationId>> ConversationStore::all_conversation_ids() {
    auto query = db_.prepare("SELECT id FROM conversations ORDER BY id");
    if (!query) return std::unexpected(query.error());
    std::vector<ConversationId> ids;
    while (true) {
        auto row = query->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return ids;
        ids.push_back(query->column_int64(0));
    }
}

Result<void> ConversationStore::rename(ConversationId id, std::string_view title) {
    auto update = db_.prepare("UPDATE conversations SET title = ?, updated_ms = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(title, now_ms(), id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) return no_conversation(id);
    return {};
}

Result<void> ConversationStore::set_flag(ConversationId id, const char* column, bool value) {
    // Pinning and archiving are not edits: the conversation keeps its place in time.
    auto update =
        db_.prepare(std::string("UPDATE conversations SET ") + column + " = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(value, id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) return no_conversation(id);
    return {};
}

Result<void> ConversationStore::set_pinned(ConversationId id, bool pinned) {
    return set_flag(id, "pinned", pinned);
}

Result<void> ConversationStore::set_archived(ConversationId id, bool archived) {
    return set_flag(id, "archived", archived);
}

Result<void> ConversationStore::update_settings(ConversationId id, const ConversationSettings& s) {
    auto update =
        db_.prepare("UPDATE conversations SET model = ?, model_identity = ?, reasoning_effort = ?, "
                    "instructions = ?, temperature = ?, top_p = ?, top_k = ?, min_p = ?, seed = ?, "
                    "max_tokens = ?, updated_ms = ? WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    auto ok =
        update->bind_all(s.model, s.model_identity, effort_name(s.reasoning_effort), s.instructions,
                         s.sampling.temperature, s.sampling.top_p, s.sampling.top_k,
                         s.sampling.min_p, s.sampling.seed, s.sampling.max_tokens, now_ms(), id);
    if (ok) ok = update->run();
    if (!ok) return ok;
    if (db_.changes() == 0) return no_conversation(id);
    return {};
}

Result<void> ConversationStore::delete_conversation(ConversationId id) {
    auto remove = db_.prepare("DELETE FROM conversations WHERE id = ?");
    if (!remove) return std::unexpected(remove.error());
    auto ok = remove->bind_all(id);
    if (ok) ok = remove->run();
    if (!ok) return ok;
    if (db_.changes() == 0) return no_conversation(id);
    return {};
}

Result<void> ConversationStore::touch(ConversationId id, std::int64_t when_ms) {
    auto update = db_.prepare("UPDATE conversations SET updated_ms = max(updated_ms, ?) "
                              "WHERE id = ?");
    if (!update) return std::unexpected(update.error());
    auto ok = update->bind_all(when_ms, id);
    if (ok) ok = update->run();
    return ok;
}

Result<std::string> canonical_tool_calls(std::string_view json) {
    if (json.empty()) return std::string();
    auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) {
        return fail("Tool calls must be a JSON array", std::string(json.substr(0, 200)));
    }
    return parsed.dump();
}

} // namespace hearth::store
