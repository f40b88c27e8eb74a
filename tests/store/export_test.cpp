#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "export_json.h"
#include "export_markdown.h"
#include "message_stream_writer.h"
#include "store_test_support.h"

namespace {

using namespace hearth::store;
using hearth::harmony::ReasoningEffort;
using hearth::harmony::Role;
using testing_support::text_message;

class StoreExportTest : public testing_support::TempDirTest {
  protected:
    // A conversation using every field: a branch, a tool call, a cancelled answer, stats.
    ConversationId fill(ConversationStore& store) {
        NewConversation draft;
        draft.title = "Tokyo weather 🌧";
        draft.settings = {.model = "gpt-oss-20b",
                          .model_identity = "You are a weather bot.",
                          .reasoning_effort = ReasoningEffort::high,
                          .instructions = "Use tools when they help.",
                          .sampling = {.temperature = 0.3,
                                       .top_p = 0.9,
                                       .top_k = 50,
                                       .min_p = 0.01,
                                       .seed = 1234567890123,
                                       .max_tokens = 1000}};
        draft.pinned = true;
        draft.created_ms = 1'714'550'400'000; // 2024-05-01 08:00 UTC
        const auto c = store.create_conversation(draft).value();
        const auto q = store
                           .add_message(c, std::nullopt,
                                        text_message(Role::user, "What is the weather in Tokyo?"))
                           .value();
        MessageContent call = text_message(Role::assistant, "", "Need to call get_weather.");
        call.tool_calls = R"([{"type":"function","function":{"name":"get_weather",)"
                          R"("arguments":"{\"location\": \"Tokyo\"}","content_type":"json"}}])";
        call.reasoning_effort = ReasoningEffort::high;
        call.stats = {.prompt_tokens = 100,
                      .reused_prompt_tokens = 0,
                      .generated_tokens = 30,
                      .time_to_first_token_ms = 412.75,
                      .tokens_per_second = 33.333333333333336};
        const auto a = store.add_message(c, q, call).value();
        const auto t =
            store.add_message(c, a, text_message(Role::tool, R"({"temperature": 20})")).value();
        MessageContent cancelled = text_message(Role::assistant, "It is 20", "The tool said 20.");
        cancelled.status = MessageStatus::cancelled;
        store.add_message(c, t, cancelled).value();
        MessageContent answer = text_message(Role::assistant, "It is 20 °C and ``` sunny.");
        answer.reasoning_effort = ReasoningEffort::high;
        store.add_message(c, t, answer).value();
        return c;
    }
};

// The document with every id replaced by its message's position, so two stores that gave
// different ids to the same tree compare equal.
nlohmann::json without_ids(const std::string& text) {
    auto doc = nlohmann::json::parse(text);
    for (auto& c : doc["conversations"]) {
        std::map<std::int64_t, std::int64_t> position;
        for (auto& m : c["messages"]) {
            const auto index = static_cast<std::int64_t>(position.size());
            position[m["id"].get<std::int64_t>()] = index;
            m["id"] = index;
            if (!m["parent"].is_null()) m["parent"] = position.at(m["parent"].get<std::int64_t>());
        }
        c["id"] = 0;
        if (!c["current_leaf"].is_null()) {
            c["current_leaf"] = position.at(c["current_leaf"].get<std::int64_t>());
        }
    }
    return doc;
}

TEST_F(StoreExportTest, JsonExportImportsBackIntoAnotherStoreLosslessly) {
    auto source = ConversationStore::open(dir_ / "source.db").value();
    const auto original_id = fill(source);
    source.create_conversation({.title = "empty one", .archived = true}).value();
    // Shift the ids of the target so that the import must remap them.
    auto target = ConversationStore::open(dir_ / "target.db").value();
    const auto existing = target.create_conversation({.title = "already here"}).value();
    target.add_message(existing, std::nullopt, text_message(Role::user, "hello")).value();

    const std::string exported = export_json(source).value();
    auto imported = import_json(target, exported);
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_EQ(imported->size(), 2u);
    const std::string again = export_json(target, *imported).value();
    EXPECT_EQ(without_ids(again), without_ids(exported));

    // Field by field through the store's API too.
    const auto original_path = source.current_path(original_id).value();
    const auto imported_path = target.current_path(imported->at(0)).value();
    ASSERT_EQ(imported_path.size(), original_path.size());
    for (std::size_t i = 0; i < original_path.size(); ++i) {
        EXPECT_EQ(imported_path[i].body, original_path[i].body) << "message " << i;
        EXPECT_EQ(imported_path[i].created_ms, original_path[i].created_ms);
    }
    auto original = source.conversation(original_id).value();
    auto copy = target.conversation(imported->at(0)).value();
    EXPECT_EQ(copy.settings, original.settings);
    EXPECT_EQ(copy.created_ms, original.created_ms);
    EXPECT_EQ(copy.updated_ms, original.updated_ms);
    EXPECT_TRUE(copy.pinned);
}

TEST_F(StoreExportTest, TheJsonMessagesHaveTheConversationFileShape) {
    auto store = open_store();
    const auto c = fill(store);
    const auto doc = nlohmann::json::parse(export_json(store, std::vector{c}).value());
    EXPECT_EQ(doc["format"], "hearth-conversations");
    EXPECT_EQ(doc["version"], 1);
    const auto& messages = doc["conversations"][0]["messages"];
    ASSERT_EQ(messages.size(), 5u);
    EXPECT_EQ(messages[0]["role"], "user");
    EXPECT_EQ(messages[0]["content"], "What is the weather in Tokyo?");
    EXPECT_FALSE(messages[0].contains("tool_calls"));
    EXPECT_EQ(messages[1]["thinking"], "Need to call get_weather.");
    EXPECT_EQ(messages[1]["tool_calls"][0]["function"]["name"], "get_weather");
    EXPECT_EQ(messages[1]["tool_calls"][0]["function"]["arguments"], R"({"location": "Tokyo"})");
    EXPECT_EQ(messages[1]["stats"]["time_to_first_token_ms"], 412.75);
    EXPECT_EQ(messages[3]["status"], "cancelled");
    EXPECT_EQ(messages[3]["parent"], messages[2]["id"]);
    EXPECT_EQ(messages[4]["parent"], messages[2]["id"]);
    EXPECT_EQ(doc["conversations"][0]["sampling"]["seed"], 1234567890123);
}

TEST_F(StoreExportTest, AnAnswerCutOffAtTheLimitExportsAsLengthAndImportsBackSo) {
    auto source = ConversationStore::open(dir_ / "source.db").value();
    const auto c = source.create_conversation({.title = "cut off"}).value();
    const auto q =
        source.add_message(c, std::nullopt, text_message(Role::user, "Count to 1000")).value();
    MessageContent cut = text_message(Role::assistant, "1, 2, 3,");
    cut.status = MessageStatus::length;
    source.add_message(c, q, cut).value();
    const std::string exported = export_json(source, std::vector{c}).value();
    EXPECT_EQ(nlohmann::json::parse(exported)["conversations"][0]["messages"][1]["status"],
              "length");

    auto target = ConversationStore::open(dir_ / "target.db").value();
    auto imported = import_json(target, exported);
    ASSERT_TRUE(imported) << imported.error().message;
    const auto path = target.current_path(imported->at(0)).value();
    ASSERT_EQ(path.size(), 2u);
    EXPECT_EQ(path[1].body.status, MessageStatus::length);
    EXPECT_EQ(path[1].body.content, "1, 2, 3,");
}

TEST_F(StoreExportTest, ABadImportIsRefusedWholeAndNamesTheField) {
    auto store = open_store();
    const auto before = store.all_conversation_ids().value();
    const char* cases[][2] = {
        {"not json", "Not a Hearth conversation export: not JSON"},
        {R"({"format": "other", "version": 1, "conversations": []})",
         "Not a Hearth conversation export: \"format\" is not \"hearth-conversations\""},
        {R"({"format": "hearth-conversations", "version": 99, "conversations": []})",
         "This export was written by a newer version of Hearth"},
        {R"({"format": "hearth-conversations", "version": 1, "conversations": [{"title": 5}]})",
         "Not a Hearth conversation export: conversations[0] has no \"sampling\""},
    };
    for (const auto& [text, message] : cases) {
        auto result = import_json(store, text);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().message, message);
    }
    // A valid conversation followed by a broken one: neither is kept.
    auto good = ConversationStore::open(dir_ / "other.db").value();
    const auto doc = nlohmann::json::parse(export_json(good, std::vector{fill(good)}).value());
    auto broken = doc;
    broken["conversations"].push_back(doc["conversations"][0]);
    broken["conversations"][1]["messages"][2]["role"] = "wizard";
    auto result = import_json(store, broken.dump());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message, "Not a Hearth conversation export: "
                                      "conversations[1].messages[2].role must be a known name");
    EXPECT_EQ(store.all_conversation_ids().value(), before);
}

TEST_F(StoreExportTest, MarkdownShowsTheVisibleBranchWithReasoningAndToolCalls) {
    auto store = open_store();
    const auto c = fill(store);
    const std::string markdown = export_markdown(store, std::vector{c}).value();
    const std::string updated = utc_minute_text(store.conversation(c)->updated_ms);
    const std::string expected = "# Tokyo weather 🌧\n"
                                 "\n"
                                 "- Created: 2024-05-01 08:00 UTC\n"
                                 "- Updated: " +
                                 updated +
                                 "\n"
                                 "- Model: gpt-oss-20b\n"
                                 "- Reasoning effort: high\n"
                                 "\n"
                                 "### Instructions\n"
                                 "\n"
                                 "Use tools when they help.\n"
                                 "\n"
                                 "### User\n"
                                 "\n"
                                 "What is the weather in Tokyo?\n"
                                 "\n"
                                 "### Assistant\n"
                                 "\n"
                                 "<details>\n"
                                 "<summary>Reasoning</summary>\n"
                                 "\n"
                                 "Need to call get_weather.\n"
                                 "\n"
                                 "</details>\n"
                                 "\n"
                                 "**Tool call:** `get_weather`\n"
                                 "\n"
                                 "```json\n"
                                 "{\"location\": \"Tokyo\"}\n"
                                 "```\n"
                                 "\n"
                                 "### Tool\n"
                                 "\n"
                                 "{\"temperature\": 20}\n"
                                 "\n"
                                 "### Assistant\n"
                                 "\n"
                                 "It is 20 °C and ``` sunny.\n"
                                 "\n";
    EXPECT_EQ(markdown, expected);
}

TEST_F(StoreExportTest, MarkdownOfEverythingSeparatesConversationsAndMarksUnfinishedAnswers) {
    auto store = open_store();
    const auto a = store.create_conversation({.title = "first", .created_ms = 0}).value();
    MessageContent failed = text_message(Role::assistant, "partial");
    failed.status = MessageStatus::failed;
    failed.error = "out of memory";
    store.add_message(a, std::nullopt, failed).value();
    store.create_conversation({.created_ms = 0}).value();
    const std::string markdown = export_markdown(store).value();
    EXPECT_NE(markdown.find("partial\n\n_(failed: out of memory)_\n\n---\n\n# Untitled "
                            "conversation\n"),
              std::string::npos)
        << markdown;
}

} // namespace
