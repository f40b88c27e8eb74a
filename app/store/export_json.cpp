#include "export_json.h"

#include <map>
#include <nlohmann/json.hpp>

#include "store_rows.h"

namespace hearth::store {
namespace {

using nlohmann::json;

json sampling_json(const SamplingSettings& s) {
    return {{"temperature", s.temperature},
            {"top_p", s.top_p},
            {"top_k", s.top_k},
            {"min_p", s.min_p},
            {"seed", s.seed ? json(*s.seed) : json(nullptr)},
            {"max_tokens", s.max_tokens}};
}

json message_json(const Message& m) {
    const MessageContent& b = m.body;
    json out = {
        {"id", m.id},
        {"parent", m.parent_id ? json(*m.parent_id) : json(nullptr)},
        {"role", role_name(b.role)},
        {"content", b.content},
        {"thinking", b.thinking},
        {"status", status_name(b.status)},
        {"error", b.error},
        {"reasoning_effort",
         b.reasoning_effort ? json(effort_name(*b.reasoning_effort)) : json(nullptr)},
        {"stats",
         {{"prompt_tokens", b.stats.prompt_tokens},
          {"reused_prompt_tokens", b.stats.reused_prompt_tokens},
          {"generated_tokens", b.stats.generated_tokens},
          {"time_to_first_token_ms", b.stats.time_to_first_token_ms},
          {"tokens_per_second", b.stats.tokens_per_second}}},
        {"created_ms", m.created_ms},
        {"updated_ms", m.updated_ms},
    };
    // Stored canonical by the store, so parsing cannot fail.
    if (!b.tool_calls.empty()) out["tool_calls"] = json::parse(b.tool_calls, nullptr, false);
    return out;
}

Result<json> conversation_json(ConversationStore& store, ConversationId id) {
    auto c = store.conversation(id);
    if (!c) return std::unexpected(c.error());
    auto query = store.database().prepare(std::string("SELECT ") + rows::message_columns +
                                          " FROM messages WHERE conversation_id = ? ORDER BY id");
    if (!query) return std::unexpected(query.error());
    if (auto ok = query->bind_all(id); !ok) return std::unexpected(ok.error());
    auto messages = rows::read_messages(*query);
    if (!messages) return std::unexpected(messages.error());
    json list = json::array();
    for (const Message& m : *messages)
        list.push_back(message_json(m));
    const ConversationSettings& s = c->settings;
    return json{
        {"id", c->id},
        {"title", c->title},
        {"created_ms", c->created_ms},
        {"updated_ms", c->updated_ms},
        {"pinned", c->pinned},
        {"archived", c->archived},
        {"model", s.model},
        {"model_identity", s.model_identity},
        {"reasoning_effort", effort_name(s.reasoning_effort)},
        {"instructions", s.instructions},
        {"sampling", sampling_json(s.sampling)},
        {"current_leaf", c->current_leaf ? json(*c->current_leaf) : json(nullptr)},
        {"messages", std::move(list)},
    };
}

// Reading an untrusted file: every field is checked, and a wrong one names itself.
struct Reader {
    std::string where;

    Result<const json*> field(const json& object, const char* name) const {
        if (!object.is_object() || !object.contains(name)) {
            return fail("Not a Hearth conversation export: " + where + " has no \"" + name + "\"");
        }
        return &object.at(name);
    }
    std::unexpected<Error> wrong(const char* name, const char* type) const {
        return fail("Not a Hearth conversation export: " + where + "." + name + " must be " + type);
    }
    Result<std::string> text(const json& object, const char* name) const {
        auto value = field(object, name);
        if (!value) return std::unexpected(value.error());
        if (!(*value)->is_string()) return wrong(name, "a string");
        return (*value)->get<std::string>();
    }
    Result<std::int64_t> integer(const json& object, const char* name) const {
        auto value = field(object, name);
        if (!value) return std::unexpected(value.error());
        if (!(*value)->is_number_integer()) return wrong(name, "an integer");
        return (*value)->get<std::int64_t>();
    }
    Result<std::optional<std::int64_t>> optional_integer(const json& object,
                                                         const char* name) const {
        auto value = field(object, name);
        if (!value) return std::unexpected(value.error());
        if ((*value)->is_null()) return std::optional<std::int64_t>();
        if (!(*value)->is_number_integer()) return wrong(name, "an integer or null");
        return std::optional((*value)->get<std::int64_t>());
    }
    Result<double> number(const json& object, const char* name) const {
        auto value = field(object, name);
        if (!value) return std::unexpected(value.error());
        if (!(*value)->is_number()) return wrong(name, "a number");
        return (*value)->get<double>();
    }
    Result<bool> boolean(const json& object, const char* name) const {
        auto value = field(object, name);
        if (!value) return std::unexpected(value.error());
        if (!(*value)->is_boolean()) return wrong(name, "true or false");
        return (*value)->get<bool>();
    }
    template <typename T>
    Result<T> named(const json& object, const char* name,
                    std::optional<T> (*from_name)(std::string_view)) const {
        auto value = text(object, name);
        if (!value) return std::unexpected(value.error());
        auto parsed = from_name(*value);
        if (!parsed) return wrong(name, "a known name");
        return *parsed;
    }
};

// Collects the first error of a chain of reads.
struct FirstError {
    std::optional<Error> error;
    template <typename T>
    T take(Result<T> value, T fallback = {}) {
        if (value) return std::move(*value);
        if (!error) error = value.error();
        return fallback;
    }
};

Result<ConversationId> import_conversation(Database& db, const json& c, std::size_t index) {
    const Reader r{"conversations[" + std::to_string(index) + "]"};
    FirstError e;
    auto sampling_field = r.field(c, "sampling");
    if (!sampling_field) return std::unexpected(sampling_field.error());
    const json& sj = **sampling_field;
    const Reader rs{r.where + ".sampling"};
    auto insert = db.prepare(
        "INSERT INTO conversations (title, created_ms, updated_ms, pinned, archived, model, "
        "model_identity, reasoning_effort, instructions, temperature, top_p, top_k, min_p, seed, "
        "max_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) return std::unexpected(insert.error());
    auto ok =
        insert->bind_all(e.take(r.text(c, "title")), e.take(r.integer(c, "created_ms")),
                         e.take(r.integer(c, "updated_ms")), e.take(r.boolean(c, "pinned")),
                         e.take(r.boolean(c, "archived")), e.take(r.text(c, "model")),
                         e.take(r.text(c, "model_identity")),
                         effort_name(e.take(r.named(c, "reasoning_effort", effort_from_name))),
                         e.take(r.text(c, "instructions")), e.take(rs.number(sj, "temperature")),
                         e.take(rs.number(sj, "top_p")), e.take(rs.integer(sj, "top_k")),
                         e.take(rs.number(sj, "min_p")), e.take(rs.optional_integer(sj, "seed")),
                         e.take(rs.integer(sj, "max_tokens")));
    if (e.error) return std::unexpected(*e.error);
    if (ok) ok = insert->run();
    if (!ok) return std::unexpected(ok.error());
    const ConversationId id = db.last_insert_rowid();

    auto messages = r.field(c, "messages");
    if (!messages) return std::unexpected(messages.error());
    if (!(*messages)->is_array()) return r.wrong("messages", "a list");
    auto add = db.prepare(
        "INSERT INTO messages (conversation_id, parent_id, role, content, thinking, tool_calls, "
        "status, error, reasoning_effort, prompt_tokens, reused_prompt_tokens, generated_tokens, "
        "time_to_first_token_ms, tokens_per_second, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!add) return std::unexpected(add.error());
    std::map<std::int64_t, MessageId> new_ids; // file id -> new id
    std::size_t n = 0;
    for (const json& m : **messages) {
        const Reader rm{r.where + ".messages[" + std::to_string(n++) + "]"};
        const auto file_id = e.take(rm.integer(m, "id"));
        const auto file_parent = e.take(rm.optional_integer(m, "parent"));
        auto stats_field = rm.field(m, "stats");
        if (!stats_field) return std::unexpected(stats_field.error());
        const json& st = **stats_field;
        const Reader rst{rm.where + ".stats"};
        std::optional<MessageId> parent;
        if (file_parent) {
            auto found = new_ids.find(*file_parent);
            if (found == new_ids.end()) {
                return fail("Not a Hearth conversation export: " + rm.where +
                            " comes before its parent");
            }
            parent = found->second;
        }
        std::string tool_calls;
        if (m.contains("tool_calls")) {
            if (!m["tool_calls"].is_array()) return rm.wrong("tool_calls", "a list");
            tool_calls = m["tool_calls"].dump();
        }
        std::optional<std::string> effort;
        auto effort_field = rm.field(m, "reasoning_effort");
        if (!effort_field) return std::unexpected(effort_field.error());
        if (!(*effort_field)->is_null()) {
            effort =
                std::string(effort_name(e.take(rm.named(m, "reasoning_effort", effort_from_name))));
        }
        add->reset();
        ok = add->bind_all(id, parent, role_name(e.take(rm.named(m, "role", role_from_name))),
                           e.take(rm.text(m, "content")), e.take(rm.text(m, "thinking")),
                           tool_calls, status_name(e.take(rm.named(m, "status", status_from_name))),
                           e.take(rm.text(m, "error")));
        if (ok) ok = effort ? add->bind(9, std::string_view(*effort)) : add->bind_null(9);
        if (ok) ok = add->bind(10, e.take(rst.integer(st, "prompt_tokens")));
        if (ok) ok = add->bind(11, e.take(rst.integer(st, "reused_prompt_tokens")));
        if (ok) ok = add->bind(12, e.take(rst.integer(st, "generated_tokens")));
        if (ok) ok = add->bind(13, e.take(rst.number(st, "time_to_first_token_ms")));
        if (ok) ok = add->bind(14, e.take(rst.number(st, "tokens_per_second")));
        if (ok) ok = add->bind(15, e.take(rm.integer(m, "created_ms")));
        if (ok) ok = add->bind(16, e.take(rm.integer(m, "updated_ms")));
        if (e.error) return std::unexpected(*e.error);
        if (ok) ok = add->run();
        if (!ok) return std::unexpected(ok.error());
        if (!new_ids.emplace(file_id, db.last_insert_rowid()).second) {
            return fail("Not a Hearth conversation export: " + rm.where + " repeats id " +
                        std::to_string(file_id));
        }
    }
    auto leaf = e.take(r.optional_integer(c, "current_leaf"));
    if (e.error) return std::unexpected(*e.error);
    if (leaf) {
        auto found = new_ids.find(*leaf);
        if (found == new_ids.end()) {
            return fail("Not a Hearth conversation export: " + r.where +
                        ".current_leaf is not one of its messages");
        }
        auto set = db.prepare("UPDATE conversations SET current_leaf_id = ? WHERE id = ?");
        if (!set) return std::unexpected(set.error());
        ok = set->bind_all(found->second, id);
        if (ok) ok = set->run();
        if (!ok) return std::unexpected(ok.error());
    }
    return id;
}

} // namespace

Result<std::string> export_json(ConversationStore& store, std::span<const ConversationId> ids) {
    std::vector<ConversationId> chosen(ids.begin(), ids.end());
    if (chosen.empty()) {
        auto all = store.all_conversation_ids();
        if (!all) return std::unexpected(all.error());
        chosen = std::move(*all);
    }
    json conversations = json::array();
    for (ConversationId id : chosen) {
        auto c = conversation_json(store, id);
        if (!c) return std::unexpected(c.error());
        conversations.push_back(std::move(*c));
    }
    const json document = {{"format", export_format_name},
                           {"version", export_format_version},
                           {"conversations", std::move(conversations)}};
    return document.dump(2) + "\n";
}

Result<std::vector<ConversationId>> import_json(ConversationStore& store, std::string_view text) {
    const json document = json::parse(text, nullptr, false);
    if (document.is_discarded()) return fail("Not a Hearth conversation export: not JSON");
    const Reader r{"the file"};
    auto format = r.text(document, "format");
    if (!format || *format != export_format_name) {
        return fail("Not a Hearth conversation export: \"format\" is not \"" +
                    std::string(export_format_name) + "\"");
    }
    auto version = r.integer(document, "version");
    if (!version) return std::unexpected(version.error());
    if (*version > export_format_version) {
        return fail("This export was written by a newer version of Hearth",
                    "format version " + std::to_string(*version));
    }
    auto conversations = r.field(document, "conversations");
    if (!conversations) return std::unexpected(conversations.error());
    if (!(*conversations)->is_array()) return r.wrong("conversations", "a list");

    auto transaction = store.database().begin();
    if (!transaction) return std::unexpected(transaction.error());
    std::vector<ConversationId> ids;
    for (const json& c : **conversations) {
        auto id = import_conversation(store.database(), c, ids.size());
        if (!id) return std::unexpected(id.error());
        ids.push_back(*id);
    }
    if (auto ok = transaction->commit(); !ok) return std::unexpected(ok.error());
    return ids;
}

} // namespace hearth::store
