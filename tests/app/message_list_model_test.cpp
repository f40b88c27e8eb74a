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

MessageListModel::Message answer(const char* status, const char* text, const char* reasoning) {
    MessageListModel::Message m;
    m.author = QStringLiteral("assistant");
    m.status = QString::fromLatin1(status);
    m.answer = QString::fromLatin1(text);
    m.reasoning = QString::fromLatin1(reasoning);
    return m;
}

TEST(MessageListModel, OnlyAnAnswerStoppedBeforeItsEndCanBeContinued) {
    for (const char* status : {"length", "cancelled", "interrupted"})
        EXPECT_TRUE(MessageListModel::can_continue(answer(status, "Cut", ""))) << status;
    // A failed answer would fail the same way again (a context already full, say); one whose
    // GPU stopped ended interrupted.
    for (const char* status : {"complete", "streaming", "toolLimit", "failed"})
        EXPECT_FALSE(MessageListModel::can_continue(answer(status, "Done", ""))) << status;

    MessageListModel::Message call = answer("cancelled", "", "Look it up.");
    call.tool_name = QStringLiteral("functions.get_weather");
    EXPECT_FALSE(MessageListModel::can_continue(call)) << "an answer that ended in a tool call";
    MessageListModel::Message question = answer("cancelled", "Q", "");
    question.author = QStringLiteral("user");
    EXPECT_FALSE(MessageListModel::can_continue(question));
}

TEST(MessageListModel, TheLastRowSaysWhenItCanBeContinued) {
    MessageListModel model;
    model.append_user("Question");
    model.begin_assistant("medium");
    model.append_text(false, "Half an ans");
    const auto can_continue = [&] {
        return model.data(model.index(1), MessageListModel::CanContinueRole).toBool();
    };
    EXPECT_FALSE(can_continue()) << "while it is written";
    int announced = 0;
    QObject::connect(&model, &QAbstractItemModel::dataChanged,
                     [&](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
                         announced += roles.contains(MessageListModel::CanContinueRole);
                     });
    model.finish_assistant("interrupted", "The GPU stopped responding");
    EXPECT_TRUE(can_continue());
    EXPECT_EQ(announced, 1);
    model.resume_assistant();
    EXPECT_FALSE(can_continue());
    EXPECT_EQ(announced, 2);
}

} // namespace
