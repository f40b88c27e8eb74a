// A reply's tool rounds with a scripted model: every call is answered that the tool is not
// available and the model goes on, at most max_tool_rounds times.
#include <gtest/gtest.h>

#include "hearth/harmony.h"
#include "tool_rounds.h"

namespace {

using namespace hearth;
using harmony::Channel;

harmony::MessageHeader header(std::string recipient, Channel channel) {
    harmony::MessageHeader h;
    h.role = "assistant";
    h.recipient = std::move(recipient);
    h.channel = channel;
    h.content_type = h.recipient.empty() ? "" : "json";
    return h;
}

// What the model "writes" in a round: reasoning, then a call to `recipient` or a final answer.
std::vector<harmony::ParserEvent> reasoning_then_call(const std::string& recipient) {
    const auto analysis = header("", Channel::analysis);
    const auto call = header(recipient, Channel::commentary);
    return {
        harmony::MessageStarted{analysis},
        harmony::TextDelta{Channel::analysis, "Look it up."},
        harmony::MessageEnded{analysis, harmony::MessageTerminator::end},
        harmony::MessageStarted{call},
        harmony::TextDelta{Channel::commentary, R"({"city":"Oslo"})"},
        harmony::ToolCallCompleted{recipient, Channel::commentary, "json", R"({"city":"Oslo"})"},
        harmony::MessageEnded{call, harmony::MessageTerminator::call},
        harmony::GenerationEnded{harmony::EndReason::call}};
}

std::vector<harmony::ParserEvent> final_answer(const std::string& text) {
    const auto final = header("", Channel::final);
    return {harmony::MessageStarted{final}, harmony::TextDelta{Channel::final, text},
            harmony::MessageEnded{final, harmony::MessageTerminator::return_token},
            harmony::GenerationEnded{harmony::EndReason::return_token}};
}

// A model that plays `rounds` in turn (the last one again once they run out) and keeps the
// conversations it was given.
struct ScriptedModel {
    std::vector<std::vector<harmony::ParserEvent>> rounds;
    std::vector<harmony::Conversation> seen;

    Result<GenerationStats> operator()(const harmony::Conversation& conversation,
                                       const EventHandler& on_event) {
        seen.push_back(conversation);
        const auto& events = rounds[std::min(seen.size(), rounds.size()) - 1];
        GenerationStats stats;
        stats.prompt_tokens = static_cast<std::uint32_t>(100 * seen.size());
        stats.generated_tokens = 10;
        stats.generation_seconds = 0.5;
        stats.time_to_first_token_seconds = static_cast<double>(seen.size());
        for (const auto& event : events) {
            if (const auto* ended = std::get_if<harmony::GenerationEnded>(&event))
                stats.end_reason = ended->reason;
            on_event(event);
        }
        return stats;
    }
};

harmony::Conversation question(std::string text) {
    harmony::Conversation c;
    c.messages.push_back(
        {.role = harmony::Role::user, .content = std::move(text), .thinking = {}, .tool_call = {}});
    return c;
}

struct Reply {
    Result<GenerationStats> stats;
    std::vector<std::string> answered; // tool recipients, in order
    std::string final_text;
};

Reply reply(ScriptedModel& model, const harmony::Conversation& conversation, int max_rounds) {
    Reply r{.stats = GenerationStats{}, .answered = {}, .final_text = {}};
    r.stats = app::generate_reply(
        conversation, std::ref(model),
        [&](const harmony::ParserEvent& event) {
            if (const auto* delta = std::get_if<harmony::TextDelta>(&event);
                delta && delta->channel == Channel::final)
                r.final_text += delta->text;
        },
        [&](const harmony::Message& call, const harmony::Message& result, const GenerationStats&) {
            EXPECT_EQ(result.role, harmony::Role::tool);
            r.answered.push_back(harmony::tool_recipient(*call.tool_call));
        },
        max_rounds);
    return r;
}

TEST(ToolRounds, ACallIsAnsweredAsNotAvailableAndTheModelGoesOn) {
    ScriptedModel model{.rounds = {reasoning_then_call("functions.get_weather"),
                                   final_answer("I cannot check the weather.")},
                        .seen = {}};
    const Reply r = reply(model, question("Weather in Oslo?"), 3);
    ASSERT_TRUE(r.stats.has_value());
    EXPECT_EQ(r.stats->end_reason, harmony::EndReason::return_token);
    EXPECT_EQ(r.stats->generated_tokens, 20u) << "both rounds count";
    EXPECT_EQ(r.stats->prompt_tokens, 200u) << "the last round's prompt";
    EXPECT_EQ(r.stats->time_to_first_token_seconds, 1.0) << "the first round's";
    EXPECT_EQ(r.answered, std::vector<std::string>{"functions.get_weather"});
    EXPECT_EQ(r.final_text, "I cannot check the weather.");

    ASSERT_EQ(model.seen.size(), 2u);
    const auto& second = model.seen[1].messages;
    ASSERT_EQ(second.size(), 3u);
    ASSERT_TRUE(second[1].tool_call.has_value());
    EXPECT_EQ(second[1].tool_call->name, "get_weather");
    EXPECT_FALSE(second[1].tool_call->built_in);
    EXPECT_EQ(second[1].tool_call->arguments, R"({"city":"Oslo"})");
    EXPECT_EQ(second[1].thinking, "Look it up.");
    EXPECT_EQ(second[1].content, "");
    EXPECT_EQ(second[2].role, harmony::Role::tool);
    // The model reads the call, then the result from the tool itself, and answers on.
    const auto prompt = harmony::render_prompt_text(model.seen[1]);
    ASSERT_TRUE(prompt.has_value()) << prompt.error().detail;
    EXPECT_TRUE(prompt->ends_with(
        "<|start|>assistant<|channel|>analysis<|message|>Look it up.<|end|>"
        "<|start|>assistant to=functions.get_weather<|channel|>commentary <|constrain|>json"
        "<|message|>{\"city\": \"Oslo\"}<|call|>"
        "<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>"
        "\"Error: the tool functions.get_weather is not available. No tools are available in "
        "this chat; answer without them.\"<|end|><|start|>assistant"))
        << *prompt;
}

TEST(ToolRounds, AModelThatKeepsCallingIsStoppedAfterTheLastAllowedRound) {
    ScriptedModel model{.rounds = {reasoning_then_call("functions.again")}, .seen = {}};
    const Reply r = reply(model, question("Loop?"), 3);
    ASSERT_TRUE(r.stats.has_value());
    EXPECT_EQ(r.answered.size(), 3u);
    EXPECT_EQ(model.seen.size(), 4u) << "three answered calls, then the call that stops it";
    EXPECT_EQ(r.stats->end_reason, harmony::EndReason::call);
    EXPECT_EQ(r.stats->generated_tokens, 40u);
    EXPECT_EQ(model.seen.back().messages.size(), 1u + 2u * 3u);
}

TEST(ToolRounds, NoRoundsMeansTheFirstCallEndsTheReply) {
    ScriptedModel model{.rounds = {reasoning_then_call("functions.f")}, .seen = {}};
    const Reply r = reply(model, question("Hi"), 0);
    EXPECT_TRUE(r.answered.empty());
    EXPECT_EQ(model.seen.size(), 1u);
    EXPECT_EQ(r.stats->end_reason, harmony::EndReason::call);
}

TEST(ToolRounds, ABuiltInToolIsAnsweredUnderItsOwnName) {
    ScriptedModel model{.rounds = {reasoning_then_call("browser.search"), final_answer("No.")},
                        .seen = {}};
    const Reply r = reply(model, question("Search?"), 3);
    EXPECT_EQ(r.answered, std::vector<std::string>{"browser.search"});
    const auto& call = model.seen[1].messages[1].tool_call;
    ASSERT_TRUE(call.has_value());
    EXPECT_TRUE(call->built_in);
    EXPECT_NE(model.seen[1].messages[2].content.find("browser.search is not available"),
              std::string::npos);
    const auto prompt = harmony::render_prompt_text(model.seen[1]);
    ASSERT_TRUE(prompt.has_value());
    EXPECT_NE(prompt->find("<|start|>browser.search to=assistant<|channel|>analysis<|message|>"),
              std::string::npos);
}

TEST(ToolRounds, AContinuedAnswerThatCallsAToolStaysOneMessage) {
    harmony::Conversation c = question("Weather?");
    c.messages.push_back({.role = harmony::Role::assistant,
                          .content = {},
                          .thinking = "I should ",
                          .tool_call = {}});
    c.continue_last_message = true;
    ScriptedModel model{
        .rounds = {reasoning_then_call("functions.get_weather"), final_answer("No.")}, .seen = {}};
    const Reply r = reply(model, c, 3);
    ASSERT_EQ(model.seen.size(), 2u);
    EXPECT_TRUE(model.seen[0].continue_last_message);
    const auto& second = model.seen[1];
    EXPECT_FALSE(second.continue_last_message) << "the next round is a new message";
    ASSERT_EQ(second.messages.size(), 3u);
    EXPECT_EQ(second.messages[1].thinking, "I should Look it up.");
    EXPECT_TRUE(second.messages[1].tool_call.has_value());
}

TEST(ToolRounds, AStoppedReplyIsNotAnsweredEvenAfterACall) {
    auto events = reasoning_then_call("functions.f");
    events.back() = harmony::GenerationEnded{harmony::EndReason::cancelled};
    ScriptedModel model{.rounds = {events}, .seen = {}};
    const Reply r = reply(model, question("Hi"), 3);
    EXPECT_TRUE(r.answered.empty());
    EXPECT_EQ(r.stats->end_reason, harmony::EndReason::cancelled);
}

} // namespace
