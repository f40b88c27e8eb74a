#include <gtest/gtest.h>

#include "MessageListModel.h"

namespace {

TEST(MessageListModel, LastAnswerIsTheNewestAssistantAnswerWithoutReasoning) {
    MessageListModel model;
    EXPECT_EQ(model.lastAnswer(), "");
    model.append_user("first question");
    EXPECT_EQ(model.lastAnswer(), "");
    model.begin_assistant("low");
    model.append_text(true, "thinking about it");
    model.append_text(false, "First ");
    model.append_text(false, "answer");
    model.finish_assistant("complete");
    EXPECT_EQ(model.lastAnswer(), "First answer");
    model.append_user("second question");
    EXPECT_EQ(model.lastAnswer(), "First answer");
    model.begin_assistant("high");
    model.append_text(false, "Second");
    EXPECT_EQ(model.lastAnswer(), "Second");
}

TEST(MessageListModel, AnAnsweredToolCallAddsItsResultAndANewAnswerRow) {
    MessageListModel model;
    model.append_user("Weather?");
    model.begin_assistant("high");
    model.append_text(true, "Look it up.");
    model.answer_tool_call("functions.get_weather", R"({"city":"Oslo"})", "not available");
    ASSERT_EQ(model.rowCount(), 4);
    const auto field = [&](int row, int role) { return model.data(model.index(row), role); };
    EXPECT_EQ(field(1, MessageListModel::ToolNameRole), "functions.get_weather");
    EXPECT_EQ(field(1, MessageListModel::ToolArgumentsRole), R"({"city":"Oslo"})");
    EXPECT_EQ(field(1, MessageListModel::StatusRole), "complete");
    EXPECT_EQ(field(1, MessageListModel::ReasoningRole), "Look it up.");
    EXPECT_EQ(field(2, MessageListModel::AuthorRole), "tool");
    EXPECT_EQ(field(2, MessageListModel::AnswerRole), "not available");
    EXPECT_EQ(field(2, MessageListModel::ToolNameRole), "functions.get_weather");
    EXPECT_EQ(field(3, MessageListModel::AuthorRole), "assistant");
    EXPECT_EQ(field(3, MessageListModel::StatusRole), "streaming");
    EXPECT_EQ(field(3, MessageListModel::EffortRole), "high");
    EXPECT_EQ(field(3, MessageListModel::ToolNameRole), "");
    model.append_text(false, "I cannot.");
    EXPECT_EQ(model.lastAnswer(), "I cannot.");
    EXPECT_EQ(field(1, MessageListModel::AnswerRole), "");
}

TEST(MessageListModel, OnlyAnAnswerStoppedBeforeItsEndCanBeContinued) {
    for (const char* status : {"length", "cancelled", "interrupted"})
        EXPECT_TRUE(MessageListModel::can_continue(QString::fromLatin1(status))) << status;
    for (const char* status : {"complete", "streaming", "failed", "toolLimit"})
        EXPECT_FALSE(MessageListModel::can_continue(QString::fromLatin1(status))) << status;
}

} // namespace
