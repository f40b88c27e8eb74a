#include <gtest/gtest.h>

#include "conversation_store.h"
#include "store_test_support.h"

namespace {

using namespace hearth::store;
using hearth::harmony::ReasoningEffort;
using hearth::harmony::Role;
using testing_support::text_message;

class ConversationStoreTest : public testing_support::TempDirTest {};

std::vector<std::string> contents(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages)
        out.push_back(m.body.content);
    return out;
}

std::vector<std::string> titles(const std::vector<Conversation>& list) {
    std::vector<std::string> out;
    for (const auto& c : list)
        out.push_back(c.title);
    return out;
}

TEST_F(ConversationStoreTest, ACreatedConversationReadsBackWithAllItsSettings) {
    auto store = open_store();
    NewConversation draft;
    draft.title = "Trip to Busan";
    draft.settings = {.model = "gpt-oss-20b",
                      .model_identity = "You are a helpful travel agent.",
                      .reasoning_effort = ReasoningEffort::high,
                      .instructions = "Answer in Korean.",
                      .sampling = {.temperature = 0.7,
                                   .top_p = 0.9,
                                   .top_k = 40,
                                   .min_p = 0.05,
                                   .seed = -12345,
                                   .max_tokens = 2048}};
    draft.pinned = true;
    draft.created_ms = 1'700'000'000'123;
    auto id = store.create_conversation(draft);
    ASSERT_TRUE(id) << id.error().message;

    auto c = store.conversation(*id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->id, *id);
    EXPECT_EQ(c->title, "Trip to Busan");
    EXPECT_EQ(c->settings, draft.settings);
    EXPECT_TRUE(c->pinned);
    EXPECT_FALSE(c->archived);
    EXPECT_EQ(c->created_ms, 1'700'000'000'123);
    EXPECT_EQ(c->updated_ms, 1'700'000'000'123);
    EXPECT_FALSE(c->current_leaf);
}

TEST_F(ConversationStoreTest, RenamePinArchiveUpdateAndDeleteChangeOnlyTheirConversation) {
    auto store = open_store();
    const auto a = store.create_conversation({.title = "a"}).value();
    const auto b = store.create_conversation({.title = "b"}).value();
    ASSERT_TRUE(store.rename(a, "renamed"));
    ASSERT_TRUE(store.set_pinned(a, true));
    ASSERT_TRUE(store.set_archived(a, true));
    ConversationSettings settings;
    settings.reasoning_effort = ReasoningEffort::low;
    settings.sampling.seed = std::nullopt;
    ASSERT_TRUE(store.update_settings(a, settings));

    auto changed = store.conversation(a).value();
    EXPECT_EQ(changed.title, "renamed");
    EXPECT_TRUE(changed.pinned);
    EXPECT_TRUE(changed.archived);
    EXPECT_EQ(changed.settings.reasoning_effort, ReasoningEffort::low);
    auto other = store.conversation(b).value();
    EXPECT_EQ(other.title, "b");
    EXPECT_FALSE(other.pinned);

    ASSERT_TRUE(store.delete_conversation(a));
    auto gone = store.conversation(a);
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().message, "No conversation with id " + std::to_string(a));
    EXPECT_FALSE(store.delete_conversation(a));
    EXPECT_FALSE(store.rename(a, "x"));
    EXPECT_EQ(store.all_conversation_ids().value(), std::vector<ConversationId>{b});
}

TEST_F(ConversationStoreTest, TheSidebarListsPinnedFirstThenMostRecentAndHidesTheArchived) {
    auto store = open_store();
    // created_ms fixes each conversation's place in time, independent of the clock.
    const auto old = store.create_conversation({.title = "old", .created_ms = 1000}).value();
    const auto pinned_old =
        store.create_conversation({.title = "pinned old", .pinned = true, .created_ms = 2000})
            .value();
    store.create_conversation({.title = "newer", .created_ms = 3000}).value();
    store.create_conversation({.title = "archived", .archived = true, .created_ms = 4000}).value();
    store.create_conversation({.title = "newest", .created_ms = 5000}).value();
    (void)old;
    (void)pinned_old;

    EXPECT_EQ(titles(store.list_conversations().value()),
              (std::vector<std::string>{"pinned old", "newest", "newer", "old"}));
    EXPECT_EQ(titles(store.list_conversations({.limit = 2, .offset = 1}).value()),
              (std::vector<std::string>{"newest", "newer"}));
    EXPECT_EQ(titles(store.list_conversations({.archived = true}).value()),
              (std::vector<std::string>{"archived"}));
}

TEST_F(ConversationStoreTest, ANewMessageMovesItsConversationToTheTopOfTheSidebar) {
    auto store = open_store();
    const auto first = store.create_conversation({.title = "first", .created_ms = 1000}).value();
    store.create_conversation({.title = "second", .created_ms = 2000}).value();
    ASSERT_TRUE(store.add_message(first, std::nullopt, text_message(Role::user, "hello")));
    EXPECT_EQ(titles(store.list_conversations().value()),
              (std::vector<std::string>{"first", "second"}));
}

TEST_F(ConversationStoreTest, AMessageKeepsEveryFieldItWasGiven) {
    auto store = open_store();
    const auto c = store.create_conversation({.title = "t"}).value();
    MessageContent body;
    body.role = Role::assistant;
    body.content = "It is 20 °C.";
    body.thinking = "Need to call get_weather.";
    body.tool_calls = R"([{"type": "function", "function": {"name": "get_weather",
                         "arguments": "{\"location\":\"Tokyo\"}"}}])";
    body.status = MessageStatus::failed;
    body.error = "The GPU ran out of memory";
    body.reasoning_effort = ReasoningEffort::high;
    body.stats = {.prompt_tokens = 120,
                  .reused_prompt_tokens = 100,
                  .generated_tokens = 42,
                  .time_to_first_token_ms = 350.5,
                  .tokens_per_second = 31.25};
    const auto id = store.add_message(c, std::nullopt, body).value();

    auto m = store.message(id).value();
    EXPECT_EQ(m.id, id);
    EXPECT_EQ(m.conversation_id, c);
    EXPECT_FALSE(m.parent_id);
    // Tool calls are kept in canonical JSON: compact, keys sorted.
    body.tool_calls = R"([{"function":{"arguments":"{\"location\":\"Tokyo\"}","name":)"
                      R"("get_weather"},"type":"function"}])";
    EXPECT_EQ(m.body, body);
    EXPECT_GT(m.created_ms, 0);
    EXPECT_EQ(m.created_ms, m.updated_ms);
}

TEST_F(ConversationStoreTest, ToolCallsThatAreNotAJsonListAreRefused) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    MessageContent body = text_message(Role::assistant, "");
    body.tool_calls = R"({"name": "not a list"})";
    auto id = store.add_message(c, std::nullopt, body);
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().message, "Tool calls must be a JSON array");
}

TEST_F(ConversationStoreTest, MessagesChainIntoAPathFromRootToTheCurrentLeaf) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q1 = store.add_message(c, std::nullopt, text_message(Role::user, "q1")).value();
    const auto a1 = store.add_message(c, q1, text_message(Role::assistant, "a1")).value();
    const auto q2 = store.add_message(c, a1, text_message(Role::user, "q2")).value();

    EXPECT_EQ(store.conversation(c)->current_leaf, q2);
    EXPECT_EQ(contents(store.current_path(c).value()),
              (std::vector<std::string>{"q1", "a1", "q2"}));
    EXPECT_EQ(contents(store.path_to(a1).value()), (std::vector<std::string>{"q1", "a1"}));
    EXPECT_EQ(store.message(a1)->parent_id, q1);
}

TEST_F(ConversationStoreTest, EditingAMessageCreatesASiblingBranchAndShowsIt) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q1 = store.add_message(c, std::nullopt, text_message(Role::user, "q1")).value();
    const auto a1 = store.add_message(c, q1, text_message(Role::assistant, "a1")).value();
    const auto q2 = store.add_message(c, a1, text_message(Role::user, "q2")).value();
    const auto a2 = store.add_message(c, q2, text_message(Role::assistant, "a2")).value();

    const auto q2_edited = store.edit_message(q2, "q2, asked better").value();
    EXPECT_EQ(store.message(q2_edited)->parent_id, a1);
    EXPECT_EQ(store.message(q2_edited)->body.role, Role::user);
    EXPECT_EQ(contents(store.siblings(q2).value()),
              (std::vector<std::string>{"q2", "q2, asked better"}));
    EXPECT_EQ(contents(store.current_path(c).value()),
              (std::vector<std::string>{"q1", "a1", "q2, asked better"}));
    // The old branch is still there, answer included.
    EXPECT_EQ(contents(store.path_to(a2).value()),
              (std::vector<std::string>{"q1", "a1", "q2", "a2"}));
}

TEST_F(ConversationStoreTest, RegeneratingAnAnswerAddsASiblingUnderTheSameQuestion) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, text_message(Role::user, "q")).value();
    const auto first = store.add_message(c, q, text_message(Role::assistant, "first")).value();
    const auto parent = store.message(first)->parent_id;
    ASSERT_EQ(parent, q);
    store.add_message(c, parent, text_message(Role::assistant, "second")).value();

    EXPECT_EQ(contents(store.children(c, q).value()),
              (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(contents(store.current_path(c).value()), (std::vector<std::string>{"q", "second"}));
}

TEST_F(ConversationStoreTest, SwitchingBranchesShowsTheNewestLeafBelowTheChosenSibling) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q1 = store.add_message(c, std::nullopt, text_message(Role::user, "q1")).value();
    const auto a1 = store.add_message(c, q1, text_message(Role::assistant, "a1")).value();
    const auto q2 = store.add_message(c, a1, text_message(Role::user, "q2")).value();
    store.add_message(c, q2, text_message(Role::assistant, "a2 old")).value();
    store.add_message(c, q2, text_message(Role::assistant, "a2 new")).value();
    const auto a1_regenerated =
        store.add_message(c, q1, text_message(Role::assistant, "a1 again")).value();
    EXPECT_EQ(contents(store.current_path(c).value()),
              (std::vector<std::string>{"q1", "a1 again"}));

    const auto leaf = store.switch_to_branch(a1).value();
    EXPECT_EQ(store.message(leaf)->body.content, "a2 new");
    EXPECT_EQ(contents(store.current_path(c).value()),
              (std::vector<std::string>{"q1", "a1", "q2", "a2 new"}));
    EXPECT_EQ(store.switch_to_branch(a1_regenerated).value(), a1_regenerated);
    EXPECT_EQ(store.conversation(c)->current_leaf, a1_regenerated);
}

TEST_F(ConversationStoreTest, TheCurrentLeafMustBelongToItsConversation) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto other = store.create_conversation({}).value();
    const auto m = store.add_message(other, std::nullopt, text_message(Role::user, "x")).value();
    EXPECT_FALSE(store.set_current_leaf(c, m));
    EXPECT_FALSE(store.add_message(c, m, text_message(Role::user, "y")));
    EXPECT_FALSE(store.add_message(12345, std::nullopt, text_message(Role::user, "z")));
}

TEST_F(ConversationStoreTest, DeletingAMessageRemovesItsSubtreeAndMovesTheLeafToItsParent) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, text_message(Role::user, "q")).value();
    const auto a = store.add_message(c, q, text_message(Role::assistant, "a")).value();
    const auto q2 = store.add_message(c, a, text_message(Role::user, "q2")).value();
    const auto b = store.add_message(c, q, text_message(Role::assistant, "b")).value();
    ASSERT_TRUE(store.set_current_leaf(c, q2));

    ASSERT_TRUE(store.delete_message(a));
    EXPECT_FALSE(store.message(a));
    EXPECT_FALSE(store.message(q2));
    EXPECT_EQ(store.conversation(c)->current_leaf, q);
    EXPECT_EQ(contents(store.children(c, q).value()), std::vector<std::string>{"b"});
    (void)b;
}

TEST_F(ConversationStoreTest, ALongConversationIsDeletedWholeWithItsMessages) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    std::optional<MessageId> parent;
    for (int i = 0; i < 3000; ++i) {
        parent = store.add_message(c, parent, text_message(Role::user, std::to_string(i))).value();
    }
    EXPECT_EQ(store.current_path(c)->size(), 3000u);
    ASSERT_TRUE(store.delete_conversation(c)) << store.delete_conversation(c).error().detail;
    EXPECT_EQ(store.database().query_int64("SELECT count(*) FROM messages").value(), 0);
}

TEST_F(ConversationStoreTest, ConversationsAndMessagesSurviveReopening) {
    ConversationId c = 0;
    MessageId m = 0;
    {
        auto store = open_store();
        c = store.create_conversation({.title = "kept"}).value();
        m = store.add_message(c, std::nullopt, text_message(Role::user, "안녕하세요 🔥")).value();
    }
    auto store = open_store();
    EXPECT_EQ(store.conversation(c)->title, "kept");
    EXPECT_EQ(store.message(m)->body.content, "안녕하세요 🔥");
    EXPECT_EQ(store.conversation(c)->current_leaf, m);
}

} // namespace
