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

} // namespace
