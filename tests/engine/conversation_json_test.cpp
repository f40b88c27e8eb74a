#include <gtest/gtest.h>

#include "hearth/harmony.h"

namespace {

using namespace hearth::harmony;

std::string error_of(std::string_view json) {
    const auto conversation = conversation_from_json(json);
    return conversation.has_value() ? "accepted" : conversation.error().detail;
}

TEST(ConversationJson, ReadsMessagesToolsAndOptions) {
    const auto conversation = conversation_from_json(R"({
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "thinking": "Call it.", "content": null, "tool_calls": [
                {"type": "function", "function": {"name": "get_weather",
                                                  "arguments": {"b": 1, "a": [true]}}}]},
            {"role": "tool", "content": "sunny"}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather",
                   "parameters": {"type": "object"}}}],
        "reasoning_effort": "low",
        "model_identity": "You are Hearth."
    })");
    ASSERT_TRUE(conversation.has_value()) << conversation.error().detail;
    ASSERT_EQ(conversation->messages.size(), 4u);
    EXPECT_EQ(conversation->messages[0].role, Role::system);
    EXPECT_EQ(conversation->messages[2].thinking, "Call it.");
    ASSERT_TRUE(conversation->messages[2].tool_call.has_value());
    EXPECT_EQ(conversation->messages[2].tool_call->name, "get_weather");
    EXPECT_EQ(conversation->messages[2].tool_call->arguments, R"({"b":1,"a":[true]})");
    EXPECT_EQ(conversation->messages[3].role, Role::tool);
    ASSERT_EQ(conversation->tools.size(), 1u);
    EXPECT_EQ(conversation->tools[0].parameters, R"({"type":"object"})");
    EXPECT_EQ(conversation->reasoning_effort, ReasoningEffort::low);
    EXPECT_EQ(conversation->model_identity, "You are Hearth.");
    EXPECT_FALSE(conversation->current_date.has_value());
}

TEST(ConversationJson, TakesStringArgumentsAsJsonText) {
    const auto conversation = conversation_from_json(R"({"messages": [
        {"role": "assistant", "tool_calls": [{"function": {"name": "f",
                                                           "arguments": "{\"x\": 1}"}}]}]})");
    ASSERT_TRUE(conversation.has_value());
    EXPECT_EQ(conversation->messages[0].tool_call->arguments, R"({"x": 1})");
}

TEST(ConversationJson, ExplainsWhatIsWrong) {
    EXPECT_TRUE(error_of("{\"messages\": [").starts_with("[json.exception.parse_error"));
    EXPECT_EQ(error_of("[]"), "messages must be a list");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "robot", "content": "x"}]})"),
              "messages[0].role must be system, developer, user, assistant or tool");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "user"}]})"),
              "messages[0].content must be a string");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "user", "content": ["parts"]}]})"),
              "messages[0].content must be a string");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "user", "content": "x", "tool_calls": []}]})"),
              "messages[0] has tool_calls but is not assistant");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "assistant", "tool_calls": [
                  {"function": {"name": "a", "arguments": {}}},
                  {"function": {"name": "b", "arguments": {}}}]}]})"),
              "messages[0].tool_calls must hold exactly one call");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "assistant", "tool_calls": [
                  {"function": {"name": "a"}}]}]})"),
              "messages[0].tool_calls[0] needs arguments");
    EXPECT_EQ(error_of(R"({"messages": [], "tools": [{"type": "function"}]})"),
              "tools[0].function is missing");
    EXPECT_EQ(error_of(R"({"messages": [], "reasoning_effort": "max"})"),
              "reasoning_effort must be low, medium or high");
    EXPECT_EQ(error_of(R"({"messages": [{"role": "user", "content": "x", "thinking": 3}]})"),
              "messages[0].thinking must be a string");
}

} // namespace
