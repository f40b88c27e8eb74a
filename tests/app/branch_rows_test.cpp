// The rows the chat page shows for a saved branch: a tool call's tool and arguments on its
// answer, and the tool a result answers for on the tool's row.
#include <gtest/gtest.h>

#include <QTemporaryDir>

#include "branch_rows.h"
#include "tool_calls.h"

namespace {

using namespace hearth::store;
using hearth::harmony::Role;

MessageContent body(Role role, std::string content, std::string tool_calls = {}) {
    MessageContent m;
    m.role = role;
    m.content = std::move(content);
    m.tool_calls = std::move(tool_calls);
    return m;
}

TEST(BranchRows, ToolCallsAndResultsNameTheirTool) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    auto store = ConversationStore::open(dir.filePath("h.db").toStdString()).value();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, body(Role::user, "Search?")).value();
    const auto call_json = with_tool_call("", {.name = "browser.search",
                                               .arguments = R"({"q":1})",
                                               .content_type = "json",
                                               .built_in = true});
    const auto call = store.add_message(c, q, body(Role::assistant, "", call_json)).value();
    const auto result = store.add_message(c, call, body(Role::tool, "not available")).value();
    store.add_message(c, result, body(Role::assistant, "No.")).value();

    const auto rows = branch_rows(store, c).value();
    ASSERT_EQ(rows.size(), 4);
    const auto row = [&](int i) { return rows[i].toMap(); };
    EXPECT_EQ(row(0).value("toolName").toString(), "");
    EXPECT_EQ(row(1).value("toolName").toString(), "browser.search");
    EXPECT_EQ(row(1).value("toolArguments").toString(), R"({"q":1})");
    EXPECT_EQ(row(2).value("author").toString(), "tool");
    EXPECT_EQ(row(2).value("toolName").toString(), "browser.search");
    EXPECT_EQ(row(2).value("answer").toString(), "not available");
    EXPECT_EQ(row(3).value("toolName").toString(), "") << "the answer after it called nothing";
}

TEST(BranchRows, AFunctionCallIsNamedWithItsNamespace) {
    QTemporaryDir dir;
    auto store = ConversationStore::open(dir.filePath("h.db").toStdString()).value();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, body(Role::user, "Weather?")).value();
    store
        .add_message(c, q,
                     body(Role::assistant, "",
                          R"([{"type":"function","function":)"
                          R"({"name":"get_weather","arguments":"{}"}}])"))
        .value();
    const auto rows = branch_rows(store, c).value();
    ASSERT_EQ(rows.size(), 2);
    EXPECT_EQ(rows[1].toMap().value("toolName").toString(), "functions.get_weather");
}

// Why an answer stopped comes back with it: the page says it again when the chat is reopened.
TEST(BranchRows, AnAnswerKeepsItsStatusAndWhyItStopped) {
    QTemporaryDir dir;
    auto store = ConversationStore::open(dir.filePath("h.db").toStdString()).value();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, body(Role::user, "Hello?")).value();
    MessageContent answer = body(Role::assistant, "Hel");
    answer.status = MessageStatus::interrupted;
    answer.error = "The GPU stopped responding (CUDA fault)";
    store.add_message(c, q, answer).value();
    const auto rows = branch_rows(store, c).value();
    ASSERT_EQ(rows.size(), 2);
    EXPECT_EQ(rows[0].toMap().value("error").toString(), "");
    EXPECT_EQ(rows[1].toMap().value("status").toString(), "interrupted");
    EXPECT_EQ(rows[1].toMap().value("error").toString(), "The GPU stopped responding (CUDA fault)");
}

} // namespace
