#include "tokenize_command.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "model_tokenizer.h"

namespace hearth::cli {
namespace {

constexpr const char* usage =
    "Usage: hearth-cli tokenize --model MODEL (--text TEXT | --text-file FILE) [--json]\n"
    "                           [--special] [--bench]\n"
    "  MODEL        a tokenizer.json file or a Hugging Face model folder\n"
    "  --json       print a JSON array instead of space-separated ids\n"
    "  --special    turn special-token text such as <|start|> into its id\n"
    "  --bench      print the encoding speed instead of the ids\n";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Encodes the text for at least two seconds and three rounds; reports the mean speed.
void print_benchmark(const Tokenizer& tokenizer, const std::string& text, double load_seconds) {
    const Clock::time_point start = Clock::now();
    std::size_t rounds = 0;
    std::size_t tokens = 0;
    do {
        tokens = tokenizer.encode_ordinary(text).size();
        ++rounds;
    } while (rounds < 3 || seconds_since(start) < 2.0);
    const double elapsed = seconds_since(start);
    const double megabytes = static_cast<double>(text.size() * rounds) / 1e6;
    std::printf("tokenizer loaded in %.2f s\n", load_seconds);
    std::printf("encode_ordinary: %zu bytes -> %zu tokens, %zu rounds in %.2f s: %.2f MB/s\n",
                text.size(), tokens, rounds, elapsed, megabytes / elapsed);
}

void print_ids(const std::vector<TokenId>& ids, bool json) {
    if (json) {
        std::printf("%s\n", nlohmann::json(ids).dump().c_str());
        return;
    }
    std::string line;
    for (const TokenId id : ids) {
        if (!line.empty()) line += ' ';
        line += std::to_string(id);
    }
    std::printf("%s\n", line.c_str());
}

} // namespace

int run_tokenize_command(std::span<const std::string_view> args) {
    const auto options = Options::parse(args, {"--model", "--text", "--text-file"},
                                        {"--json", "--special", "--bench"});
    if (!options) {
        std::fprintf(stderr, "hearth-cli tokenize: %s\n\n%s", options.error().message.c_str(),
                     usage);
        return 2;
    }
    const auto model = options->value("--model");
    const auto inline_text = options->value("--text");
    const auto text_file = options->value("--text-file");
    if (!model || inline_text.has_value() == text_file.has_value()) {
        std::fputs(usage, stderr);
        return 2;
    }
    auto text = inline_text ? Result<std::string>(*inline_text) : read_file(*text_file);
    if (!text) return report_error("tokenize", text.error());

    const Clock::time_point load_start = Clock::now();
    const auto tokenizer = load_model_tokenizer(*model);
    if (!tokenizer) return report_error("tokenize", tokenizer.error());
    if (options->flag("--bench")) {
        print_benchmark(*tokenizer, *text, seconds_since(load_start));
        return 0;
    }
    print_ids(options->flag("--special") ? tokenizer->encode(*text, AllowedSpecials::all())
                                         : tokenizer->encode_ordinary(*text),
              options->flag("--json"));
    return 0;
}

} // namespace hearth::cli
