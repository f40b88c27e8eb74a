#include "generation_setup.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <unistd.h>

namespace hearth::cli {
namespace {

constexpr const char* dim = "\x1b[2m";
constexpr const char* normal = "\x1b[0m";

} // namespace

const std::set<std::string_view>& generation_option_names() {
    static const std::set<std::string_view> names = {
        "--model",       "--backend", "--threads", "--reasoning", "--max-tokens",
        "--temperature", "--top-p",   "--top-k",   "--min-p",     "--seed",
        "--context",     "--system",  "--kv-cache"};
    return names;
}

Result<GenerationSetup> setup_generation(const Options& options) {
    GenerationSetup setup;
    auto path = options.required("--model");
    if (!path) return std::unexpected(path.error());
    auto backend = parse_backend_choice(options.value("--backend").value_or("auto"));
    if (!backend) return std::unexpected(backend.error());
    auto kv_cache = parse_kv_cache_precision(options.value("--kv-cache").value_or("f16"));
    if (!kv_cache) return std::unexpected(kv_cache.error());
    auto effort =
        harmony::reasoning_effort_from_name(options.value("--reasoning").value_or("medium"));
    if (!effort) return fail("--reasoning must be low, medium or high");
    setup.effort = *effort;
    auto threads = options.unsigned_value("--threads", 0);
    auto max_tokens = options.unsigned_value("--max-tokens", 8192);
    auto context = options.unsigned_value("--context", 8192);
    auto top_k = options.unsigned_value("--top-k", 0);
    auto seed = options.unsigned_value(
        "--seed",
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    auto temperature = options.number("--temperature", 1.0);
    auto top_p = options.number("--top-p", 1.0);
    auto min_p = options.number("--min-p", 0.0);
    for (const auto* r : {&threads, &max_tokens, &context, &top_k, &seed}) {
        if (!*r) return std::unexpected(r->error());
    }
    for (const auto* r : {&temperature, &top_p, &min_p}) {
        if (!*r) return std::unexpected(r->error());
    }
    if (*top_p <= 0.0 || *top_p > 1.0) return fail("--top-p must be above 0 and at most 1");
    if (*min_p < 0.0 || *min_p > 1.0) return fail("--min-p must be between 0 and 1");
    setup.options.max_tokens = static_cast<std::uint32_t>(*max_tokens);
    setup.options.sampling = {.temperature = static_cast<float>(*temperature),
                              .top_p = static_cast<float>(*top_p),
                              .top_k = static_cast<std::uint32_t>(*top_k),
                              .min_p = static_cast<float>(*min_p),
                              .seed = *seed};
    setup.context_tokens = static_cast<std::uint32_t>(*context);
    setup.developer_instructions = options.value("--system").value_or("");
    // On a terminal, the GPU upload's progress on one line of stderr.
    std::function<bool(double)> progress;
    if (isatty(STDERR_FILENO)) {
        progress = [](double done) {
            std::fprintf(stderr, "\rLoading the model onto the GPU: %3.0f%%%s", 100 * done,
                         done >= 1.0 ? "\n" : "");
            return true;
        };
    }
    auto model = Model::load(*path, {.backend = *backend,
                                     .threads = static_cast<unsigned>(*threads),
                                     .kv_cache = *kv_cache,
                                     .progress = progress});
    if (!model) return std::unexpected(model.error());
    setup.model = *model;
    setup.context_tokens = std::min(setup.context_tokens, setup.model->context_length());
    return setup;
}

harmony::Message make_message(harmony::Role role, std::string content, std::string thinking) {
    harmony::Message message;
    message.role = role;
    message.content = std::move(content);
    message.thinking = std::move(thinking);
    return message;
}

harmony::Conversation new_conversation(const GenerationSetup& setup) {
    harmony::Conversation conversation;
    conversation.reasoning_effort = setup.effort;
    conversation.current_date = today_iso_date();
    conversation.answers_are_model_output = true; // chat's later turns carry the model's answers
    if (!setup.developer_instructions.empty()) {
        conversation.messages.push_back(
            make_message(harmony::Role::developer, setup.developer_instructions));
    }
    return conversation;
}

ReplyPrinter::ReplyPrinter() : dim_reasoning_(::isatty(STDERR_FILENO) == 1) {}

void ReplyPrinter::operator()(const harmony::ParserEvent& event) {
    if (const auto* delta = std::get_if<harmony::TextDelta>(&event)) {
        if (delta->channel == harmony::Channel::final) {
            answer_ += delta->text;
            std::fwrite(delta->text.data(), 1, delta->text.size(), stdout);
            std::fflush(stdout);
            return;
        }
        reasoning_ += delta->text;
        if (dim_reasoning_ && !in_reasoning_) std::fputs(dim, stderr);
        in_reasoning_ = true;
        std::fwrite(delta->text.data(), 1, delta->text.size(), stderr);
        return;
    }
    if (in_reasoning_ && (std::holds_alternative<harmony::MessageEnded>(event) ||
                          std::holds_alternative<harmony::GenerationEnded>(event))) {
        std::fputs(dim_reasoning_ ? normal : "", stderr);
        std::fputs("\n", stderr);
        in_reasoning_ = false;
    }
    if (const auto* call = std::get_if<harmony::ToolCallCompleted>(&event)) {
        std::fprintf(stderr, "[tool call %s %s]\n", call->recipient.c_str(),
                     call->arguments.c_str());
    }
    if (std::holds_alternative<harmony::GenerationEnded>(event) && !answer_.empty()) {
        std::fputs("\n", stdout);
    }
}

harmony::Message ReplyPrinter::message() const {
    return make_message(harmony::Role::assistant, answer_, reasoning_);
}

void print_stats(const GenerationStats& s) {
    const char* reason = "";
    switch (s.end_reason) {
    case harmony::EndReason::return_token:
    case harmony::EndReason::end_of_text:
    case harmony::EndReason::end_token: break;
    case harmony::EndReason::call: reason = ", stopped at a tool call"; break;
    case harmony::EndReason::length: reason = ", stopped at the token limit"; break;
    case harmony::EndReason::cancelled: reason = ", cancelled"; break;
    }
    std::fprintf(
        stderr,
        "[%u prompt tokens (%u reused), %u generated, first token %.2f s, %.1f tokens/s%s]\n",
        s.prompt_tokens, s.reused_prompt_tokens, s.generated_tokens, s.time_to_first_token_seconds,
        s.generation_seconds > 0 ? s.generated_tokens / s.generation_seconds : 0.0, reason);
}

} // namespace hearth::cli
