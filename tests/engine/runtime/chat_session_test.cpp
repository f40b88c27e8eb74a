// ChatSession on the tiny fixture model: prefix reuse, limits and cancellation. The model's
// weights are random, so its text is not meaningful; what it must be is deterministic.
#include <gtest/gtest.h>

#include "hearth/chat_session.h"

namespace {

using namespace hearth;

std::shared_ptr<Model> tiny_model() {
    static const std::shared_ptr<Model> model = [] {
        auto loaded = Model::load(std::string(HEARTH_TINY_MODEL_DIR) + "/tiny-gpt-oss.gguf",
                                  {.backend = BackendChoice::cpu, .threads = 2, .progress = {}});
        EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
        return *loaded;
    }();
    return model;
}

harmony::Conversation conversation(std::string question) {
    harmony::Conversation c;
    c.current_date = "2026-11-25";
    harmony::Message user;
    user.content = std::move(question);
    c.messages.push_back(user);
    return c;
}

struct Transcript {
    std::string text; // every text delta, in order
    GenerationStats stats;
};

Transcript run(ChatSession& session, const harmony::Conversation& c, std::uint32_t max_tokens,
               const std::atomic<bool>* cancel = nullptr, const EventHandler& extra = {}) {
    Transcript t;
    GenerationOptions options;
    options.sampling.temperature = 0;
    options.max_tokens = max_tokens;
    auto stats = session.generate(
        c, options,
        [&](const harmony::ParserEvent& event) {
            if (const auto* delta = std::get_if<harmony::TextDelta>(&event)) t.text += delta->text;
            if (extra) extra(event);
        },
        cancel);
    EXPECT_TRUE(stats.has_value()) << stats.error().message;
    t.stats = *stats;
    return t;
}

TEST(ChatSession, StopsAtTheTokenLimitAndSaysSo) {
    auto session = ChatSession::create(tiny_model(), 512);
    ASSERT_TRUE(session.has_value());
    const auto t = run(*session, conversation("Hello"), 5);
    EXPECT_EQ(t.stats.generated_tokens, 5u);
    EXPECT_EQ(t.stats.end_reason, harmony::EndReason::length);
    auto rendered = harmony::render_prompt(conversation("Hello"), tiny_model()->tokenizer());
    EXPECT_EQ(t.stats.prompt_tokens, rendered->ids.size());
}

TEST(ChatSession, ReusingTheKvCacheGivesTheSameAnswerAsAFreshSession) {
    auto fresh = ChatSession::create(tiny_model(), 512);
    const auto first = run(*fresh, conversation("What is 2 + 2?"), 12);
    // The same conversation again in the same session: all but the last prompt token are reused.
    const auto again = run(*fresh, conversation("What is 2 + 2?"), 12);
    EXPECT_EQ(again.stats.reused_prompt_tokens, again.stats.prompt_tokens - 1);
    EXPECT_EQ(again.text, first.text);
    // A different question shares the system prefix only, and still matches a fresh session.
    const auto other = run(*fresh, conversation("Name a colour."), 12);
    auto clean = ChatSession::create(tiny_model(), 512);
    const auto expected = run(*clean, conversation("Name a colour."), 12);
    EXPECT_GT(other.stats.reused_prompt_tokens, 0u);
    EXPECT_LT(other.stats.reused_prompt_tokens, other.stats.prompt_tokens - 1);
    EXPECT_EQ(other.text, expected.text);
}

TEST(ChatSession, CancellingStopsWithinOneToken) {
    auto session = ChatSession::create(tiny_model(), 512);
    std::atomic<bool> cancel{false};
    int deltas = 0;
    std::uint32_t generated_when_cancelled = 0;
    const auto t = run(*session, conversation("Tell me a story"), 100, &cancel,
                       [&](const harmony::ParserEvent& event) {
                           if (std::holds_alternative<harmony::TextDelta>(event) && ++deltas == 3) {
                               cancel = true;
                               generated_when_cancelled = static_cast<std::uint32_t>(deltas);
                           }
                       });
    ASSERT_GT(generated_when_cancelled, 0u);
    EXPECT_EQ(t.stats.end_reason, harmony::EndReason::cancelled);
    EXPECT_LE(t.stats.generated_tokens, 4u); // the token that triggered it, and no more
}

TEST(ChatSession, AContinuedAnswerResumesInsideItsMessage) {
    auto session = ChatSession::create(tiny_model(), 512);
    ASSERT_TRUE(session.has_value());
    harmony::Conversation c = conversation("Hello");
    harmony::Message partial;
    partial.role = harmony::Role::assistant;
    partial.content = "The answer is";
    c.messages.push_back(partial);
    c.continue_last_message = true;

    std::vector<harmony::ParserEvent> events;
    const auto t = run(*session, c, 6, nullptr,
                       [&](const harmony::ParserEvent& event) { events.push_back(event); });
    const auto prompt = harmony::render_prompt(c, tiny_model()->tokenizer());
    ASSERT_TRUE(prompt.has_value());
    EXPECT_TRUE(prompt->text.ends_with("<|channel|>final<|message|>The answer is"));
    EXPECT_EQ(t.stats.prompt_tokens, prompt->ids.size());
    // Until the model starts a message of its own, its text belongs to the open answer.
    for (const auto& event : events) {
        if (std::holds_alternative<harmony::MessageStarted>(event)) break;
        if (const auto* delta = std::get_if<harmony::TextDelta>(&event)) {
            EXPECT_EQ(delta->channel, harmony::Channel::final) << delta->text;
        }
    }
}

TEST(ChatSession, AConversationLongerThanTheContextIsAnError) {
    auto session = ChatSession::create(tiny_model(), 64);
    ASSERT_TRUE(session.has_value());
    GenerationOptions options;
    auto stats = session->generate(conversation(std::string(2000, 'a') + " b c d e f g h i j k"),
                                   options, [](const harmony::ParserEvent&) {});
    ASSERT_FALSE(stats.has_value());
    EXPECT_NE(stats.error().message.find("too long for the context"), std::string::npos);
}

} // namespace
