#include "history_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli_options.h"
#include "conversation_store.h"
#include "export_json.h"
#include "export_markdown.h"
#include "history_location.h"
#include "search.h"

namespace hearth::cli {
namespace {

// Reading actions open an existing file read-only: a writable open marks messages still
// streaming as interrupted, which would cut off the answer the desktop app is writing.
Result<store::ConversationStore> open_history(const Options& options, bool reading) {
    const std::string path = options.value("--db").value_or(store::default_history_path().string());
    std::error_code error;
    const bool read_only = reading && std::filesystem::exists(path, error);
    return store::ConversationStore::open(path, {.read_only = read_only});
}

Result<void> list(store::ConversationStore& history) {
    auto conversations = history.list_conversations({.limit = 1000});
    if (!conversations) return std::unexpected(conversations.error());
    for (const auto& c : *conversations) {
        std::printf("%lld\t%s\t%s%s\n", static_cast<long long>(c.id),
                    store::utc_minute_text(c.updated_ms).c_str(), c.pinned ? "[pinned] " : "",
                    c.title.c_str());
    }
    return {};
}

Result<void> search(store::ConversationStore& history, const std::string& text) {
    auto hits = store::search(history, {.text = text, .limit = 50});
    if (!hits) return std::unexpected(hits.error());
    for (const auto& hit : *hits) {
        const char* field = hit.field == store::SearchField::title      ? "title"
                            : hit.field == store::SearchField::thinking ? "reasoning"
                                                                        : "message";
        std::printf("%lld\t%s\t%s\t%s\n", static_cast<long long>(hit.conversation_id), field,
                    hit.conversation_title.c_str(), hit.snippet.c_str());
    }
    return {};
}

Result<void> export_to(store::ConversationStore& history, const Options& options,
                       std::span<const std::string> ids_text) {
    std::vector<store::ConversationId> ids;
    for (const auto& id : ids_text) {
        auto parsed = parse_integer_list(id);
        if (!parsed) return fail("--id: " + parsed.error().message);
        ids.insert(ids.end(), parsed->begin(), parsed->end());
    }
    const std::string format = options.value("--format").value_or("md");
    if (format != "md" && format != "json") return fail("--format must be md or json");
    auto text =
        format == "md" ? store::export_markdown(history, ids) : store::export_json(history, ids);
    if (!text) return std::unexpected(text.error());
    if (auto out = options.value("--out")) {
        std::ofstream file(*out, std::ios::binary | std::ios::trunc);
        file << *text;
        if (!file.flush()) return fail("Cannot write " + *out);
        return {};
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    return {};
}

Result<void> import_from(store::ConversationStore& history, const std::string& path) {
    auto text = read_file(path);
    if (!text) return std::unexpected(text.error());
    auto ids = store::import_json(history, *text);
    if (!ids) return std::unexpected(ids.error());
    std::printf("imported %zu conversations\n", ids->size());
    return {};
}

} // namespace

int run_history_command(std::span<const std::string_view> args) {
    if (args.empty()) {
        std::fputs("usage: hearth-cli history list|search QUERY|export|import FILE [--db PATH]\n",
                   stderr);
        return 2;
    }
    const std::string_view action = args[0];
    auto options = Options::parse(args.subspan(1), {"--db", "--id", "--format", "--out"}, {}, 1);
    if (!options) return report_error("history", options.error());
    auto history = open_history(*options, action != "import");
    if (!history) return report_error("history", history.error());
    const auto& positional = options->positional();
    Result<void> done;
    if (action == "list" && positional.empty()) {
        done = list(*history);
    } else if (action == "search" && positional.size() == 1) {
        done = search(*history, positional[0]);
    } else if (action == "export" && positional.empty()) {
        std::vector<std::string> ids;
        if (auto id = options->value("--id")) ids.push_back(*id);
        done = export_to(*history, *options, ids);
    } else if (action == "import" && positional.size() == 1) {
        done = import_from(*history, positional[0]);
    } else {
        done = fail("unknown history action or missing argument: '" + std::string(action) + "'");
    }
    return done ? 0 : report_error("history", done.error());
}

} // namespace hearth::cli
