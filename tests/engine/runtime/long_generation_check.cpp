// Generates a long answer (2,000 tokens by default) on the tiny model, then a short second one in
// the same session that reuses the cache, then exits. Built with AddressSanitizer and
// LeakSanitizer: any leak, overflow or use after free in the whole generation path fails the test.
//   long_generation_check MODEL.gguf [TOKENS]
#include <cstdio>
#include <cstdlib>

#include "hearth/chat_session.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs("usage: long_generation_check MODEL [TOKENS]\n", stderr);
        return 2;
    }
    const auto tokens =
        static_cast<std::uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2000);
    auto model = hearth::Model::load(
        argv[1], {.backend = hearth::BackendChoice::cpu, .threads = 2, .progress = {}});
    if (!model) {
        std::fprintf(stderr, "%s\n", model.error().message.c_str());
        return 1;
    }
    auto session = hearth::ChatSession::create(*model, tokens + 512);
    if (!session) return 1;
    hearth::harmony::Conversation conversation;
    hearth::harmony::Message question;
    question.content = "Tell me everything.";
    conversation.messages.push_back(question);
    hearth::GenerationOptions options;
    options.max_tokens = tokens;
    options.sampling.seed = 1;
    std::size_t events = 0;
    for (int round = 0; round < 2; ++round) {
        options.max_tokens = round == 0 ? tokens : 50;
        auto stats = session->generate(conversation, options, [&](const auto&) { ++events; });
        if (!stats) {
            std::fprintf(stderr, "%s\n", stats.error().message.c_str());
            return 1;
        }
        std::printf("round %d: %u tokens generated, %u prompt tokens reused, %zu events\n", round,
                    stats->generated_tokens, stats->reused_prompt_tokens, events);
    }
    return 0;
}
