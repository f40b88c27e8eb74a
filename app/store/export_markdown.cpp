#include "export_markdown.h"

#include <ctime>
#include <nlohmann/json.hpp>

namespace hearth::store {
namespace {

std::string_view role_heading(harmony::Role role) {
    switch (role) {
    case harmony::Role::system: return "System";
    case harmony::Role::developer: return "Developer";
    case harmony::Role::user: return "User";
    case harmony::Role::assistant: return "Assistant";
    case harmony::Role::tool: return "Tool";
    }
    return "Message";
}

// A code fence longer than any run of backticks inside `text`.
std::string fence_for(std::string_view text) {
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

void append_tool_calls(std::string& out, const std::string& tool_calls) {
    const auto calls = nlohmann::json::parse(tool_calls, nullptr, false);
    if (!calls.is_array()) return;
    for (const auto& call : calls) {
        const auto& function = call.contains("function") ? call["function"] : call;
        const std::string name = function.value("name", "");
        const std::string arguments =
            function.contains("arguments") && function["arguments"].is_string()
                ? function["arguments"].get<std::string>()
                : function.value("arguments", nlohmann::json::object()).dump();
        const std::string fence = fence_for(arguments);
        out += "**Tool call:** `" + name + "`\n\n" + fence + "json\n" + arguments + "\n" + fence +
               "\n\n";
    }
}

void append_message(std::string& out, const Message& m) {
    const MessageContent& b = m.body;
    out += "### ";
    out += role_heading(b.role);
    out += "\n\n";
    if (!b.thinking.empty()) {
        out += "<details>\n<summary>Reasoning</summary>\n\n" + b.thinking + "\n\n</details>\n\n";
    }
    if (!b.content.empty()) out += b.content + "\n\n";
    if (!b.tool_calls.empty()) append_tool_calls(out, b.tool_calls);
    if (b.status != MessageStatus::complete) {
        out += "_(";
        out += status_name(b.status);
        if (!b.error.empty()) out += ": " + b.error;
        out += ")_\n\n";
    }
}

Result<std::string> conversation_markdown(ConversationStore& store, ConversationId id) {
    auto c = store.conversation(id);
    if (!c) return std::unexpected(c.error());
    auto path = store.current_path(id);
    if (!path) return std::unexpected(path.error());
    std::string out = "# " + (c->title.empty() ? std::string("Untitled conversation") : c->title);
    out += "\n\n- Created: " + utc_minute_text(c->created_ms) +
           "\n- Updated: " + utc_minute_text(c->updated_ms) + "\n";
    if (!c->settings.model.empty()) out += "- Model: " + c->settings.model + "\n";
    out += "- Reasoning effort: ";
    out += effort_name(c->settings.reasoning_effort);
    out += "\n\n";
    if (!c->settings.instructions.empty()) {
        out += "### Instructions\n\n" + c->settings.instructions + "\n\n";
    }
    for (const Message& m : *path)
        append_message(out, m);
    return out;
}

} // namespace

std::string utc_minute_text(std::int64_t ms_since_epoch) {
    const std::time_t seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
    return text;
}

Result<std::string> export_markdown(ConversationStore& store, std::span<const ConversationId> ids) {
    std::vector<ConversationId> chosen(ids.begin(), ids.end());
    if (chosen.empty()) {
        auto all = store.all_conversation_ids();
        if (!all) return std::unexpected(all.error());
        chosen = std::move(*all);
    }
    std::string out;
    for (ConversationId id : chosen) {
        auto one = conversation_markdown(store, id);
        if (!one) return std::unexpected(one.error());
        if (!out.empty()) out += "---\n\n";
        out += *one;
    }
    return out;
}

} // namespace hearth::store
