#include "render_command.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "hearth/harmony.h"
#include "model_tokenizer.h"

namespace hearth::cli {
namespace {

constexpr const char* usage =
    "Usage: hearth-cli render --model MODEL --conversation FILE.json\n"
    "                         [--reasoning low|medium|high] [--date YYYY-MM-DD] [--json]\n"
    "  MODEL        a tokenizer.json file or a Hugging Face model folder\n"
    "  FILE.json    a conversation (docs/conversation-format.md)\n"
    "  --reasoning  overrides the file's reasoning_effort\n"
    "  --date       the current date the prompt states (default: today)\n"
    "  --json       print {\"text\": ..., \"ids\": [...]} instead of the text\n";

bool is_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    const int month = std::stoi(text.substr(5, 2));
    const int day = std::stoi(text.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "hearth-cli render: %s\n\n%s", message.c_str(), usage);
    return 2;
}

} // namespace

int run_render_command(std::span<const std::string_view> args) {
    const auto options =
        Options::parse(args, {"--model", "--conversation", "--reasoning", "--date"}, {"--json"});
    if (!options) return usage_error(options.error().message);
    const auto model = options->value("--model");
    const auto conversation_file = options->value("--conversation");
    if (!model || !conversation_file) return usage_error("--model and --conversation are needed.");
    const std::string date = options->value("--date").value_or(today_iso_date());
    if (!is_date(date)) return usage_error("--date must look like 2025-06-28.");

    const auto json_text = read_file(*conversation_file);
    if (!json_text) return report_error("render", json_text.error());
    auto conversation = harmony::conversation_from_json(*json_text);
    if (!conversation) return report_error("render", conversation.error());
    conversation->current_date = date;
    if (const auto effort_name = options->value("--reasoning")) {
        const auto effort = harmony::reasoning_effort_from_name(*effort_name);
        if (!effort) return usage_error("--reasoning must be low, medium or high.");
        conversation->reasoning_effort = *effort;
    }

    const auto tokenizer = load_model_tokenizer(*model);
    if (!tokenizer) return report_error("render", tokenizer.error());
    const auto prompt = harmony::render_prompt(*conversation, *tokenizer);
    if (!prompt) return report_error("render", prompt.error());
    if (options->flag("--json")) {
        const nlohmann::ordered_json output = {{"text", prompt->text}, {"ids", prompt->ids}};
        std::printf("%s\n", output.dump().c_str());
    } else {
        std::fwrite(prompt->text.data(), 1, prompt->text.size(), stdout);
    }
    return 0;
}

} // namespace hearth::cli
