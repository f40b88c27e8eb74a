#include <gtest/gtest.h>

#include "message_stream_writer.h"
#include "search.h"
#include "store_test_support.h"
#include "tool_calls.h"

namespace {

using namespace hearth::store;
using hearth::harmony::Channel;
using hearth::harmony::ReasoningEffort;
using hearth::harmony::Role;
namespace harmony = hearth::harmony;
using testing_support::text_message;

class StoreStreamWriterTest : public testing_support::TempDirTest {
  protected:
    std::string stored_content(ConversationStore& store, MessageId id) {
        return store.message(id).value().body.content;
    }
    std::int64_t clock_ms_ = 0;
    MessageStreamWriter::Clock clock() {
        return [this] { return clock_ms_; };
    }
};

TEST_F(StoreStreamWriterTest, TextIsWrittenWhenEnoughDeltasOrEnoughTimeHavePassed) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, text_message(Role::user, "q")).value();
    auto writer =
        MessageStreamWriter::begin(
            store, c, q, ReasoningEffort::low,
            {.interval = std::chrono::milliseconds(250), .max_pending_deltas = 4}, clock())
            .value();
    EXPECT_EQ(store.message(writer.id())->body.status, MessageStatus::streaming);
    EXPECT_EQ(store.conversation(c)->current_leaf, writer.id());

    ASSERT_TRUE(writer.append(Channel::final, "a"));
    ASSERT_TRUE(writer.append(Channel::final, "b"));
    ASSERT_TRUE(writer.append(Channel::final, "c"));
    EXPECT_EQ(stored_content(store, writer.id()), "");
    ASSERT_TRUE(writer.append(Channel::final, "d")); // the 4th delta
    EXPECT_EQ(stored_content(store, writer.id()), "abcd");

    clock_ms_ = 100;
    ASSERT_TRUE(writer.append(Channel::final, "e"));
    EXPECT_EQ(stored_content(store, writer.id()), "abcd");
    clock_ms_ = 250; // 250 ms after the last write
    ASSERT_TRUE(writer.append(Channel::analysis, "thought"));
    EXPECT_EQ(stored_content(store, writer.id()), "abcde");
    EXPECT_EQ(store.message(writer.id())->body.thinking, "thought");
    EXPECT_FALSE(writer.has_unsaved_text());
}

TEST_F(StoreStreamWriterTest, FinishingStoresStatusStatsAndEffortAndMakesItSearchable) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    auto writer = MessageStreamWriter::begin(store, c, std::nullopt, ReasoningEffort::high).value();
    ASSERT_TRUE(writer.append(Channel::analysis, "The user greets in Korean."));
    ASSERT_TRUE(writer.append(Channel::final, "안녕하세요, 반갑습니다!"));
    EXPECT_TRUE(search(store, {.text = "반갑습"})->empty()); // still streaming: not indexed yet

    hearth::GenerationStats stats;
    stats.prompt_tokens = 50;
    stats.reused_prompt_tokens = 10;
    stats.generated_tokens = 20;
    stats.time_to_first_token_seconds = 0.25;
    stats.generation_seconds = 0.5;
    ASSERT_TRUE(writer.finish(MessageStatus::complete, message_stats(stats)));

    const auto m = store.message(writer.id()).value();
    EXPECT_EQ(m.body.status, MessageStatus::complete);
    EXPECT_EQ(m.body.content, "안녕하세요, 반갑습니다!");
    EXPECT_EQ(m.body.thinking, "The user greets in Korean.");
    EXPECT_EQ(m.body.reasoning_effort, ReasoningEffort::high);
    EXPECT_EQ(m.body.stats, (MessageStats{.prompt_tokens = 50,
                                          .reused_prompt_tokens = 10,
                                          .generated_tokens = 20,
                                          .time_to_first_token_ms = 250,
                                          .tokens_per_second = 40}));
    EXPECT_EQ(search(store, {.text = "반갑습"})->size(), 1u);
    EXPECT_FALSE(writer.append(Channel::final, "more"));
}

TEST_F(StoreStreamWriterTest, ResumingAnAnswerAddsToItsTextInTheSameMessage) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, text_message(Role::user, "q")).value();
    auto first = MessageStreamWriter::begin(store, c, q, ReasoningEffort::low).value();
    ASSERT_TRUE(first.append(Channel::analysis, "plan"));
    ASSERT_TRUE(first.append(Channel::final, "The answer was cut"));
    ASSERT_TRUE(first.finish(MessageStatus::complete, {}));

    auto more = MessageStreamWriter::resume(store, first.id(), ReasoningEffort::low).value();
    EXPECT_EQ(more.id(), first.id());
    EXPECT_EQ(store.message(first.id())->body.status, MessageStatus::streaming);
    ASSERT_TRUE(more.append(Channel::final, " off here."));
    ASSERT_TRUE(more.finish(MessageStatus::complete, {}));
    const auto m = store.message(first.id()).value();
    EXPECT_EQ(m.body.content, "The answer was cut off here.");
    EXPECT_EQ(m.body.thinking, "plan");
    EXPECT_EQ(store.children(c, q)->size(), 1u);
    EXPECT_FALSE(MessageStreamWriter::resume(store, q, ReasoningEffort::low)); // a question
}

TEST_F(StoreStreamWriterTest, ParserEventsFillThinkingAnswerAndToolCalls) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    auto writer =
        MessageStreamWriter::begin(store, c, std::nullopt, ReasoningEffort::medium).value();
    harmony::MessageHeader analysis;
    analysis.role = "assistant";
    analysis.channel = Channel::analysis;
    harmony::MessageHeader call;
    call.role = "assistant";
    call.recipient = "functions.get_weather";
    call.channel = Channel::commentary;
    call.content_type = "json";
    const std::vector<harmony::ParserEvent> events = {
        harmony::MessageStarted{analysis},
        harmony::TextDelta{Channel::analysis, "Need the weather."},
        harmony::MessageEnded{analysis, harmony::MessageTerminator::end},
        harmony::MessageStarted{call},
        harmony::TextDelta{Channel::commentary, R"({"location":)"},
        harmony::TextDelta{Channel::commentary, R"("Tokyo"})"},
        harmony::ToolCallCompleted{"functions.get_weather", Channel::commentary, "json",
                                   R"({"location":"Tokyo"})"},
        harmony::MessageEnded{call, harmony::MessageTerminator::call},
        harmony::GenerationEnded{harmony::EndReason::call},
    };
    for (const auto& event : events)
        ASSERT_TRUE(writer.on_event(event));
    ASSERT_TRUE(writer.finish(final_status(harmony::EndReason::call), {}));

    const auto m = store.message(writer.id()).value();
    EXPECT_EQ(m.body.thinking, "Need the weather.");
    EXPECT_EQ(m.body.content, "");
    EXPECT_EQ(m.body.tool_calls, R"([{"function":{"arguments":"{\"location\":\"Tokyo\"}",)"
                                 R"("content_type":"json","name":"get_weather"},)"
                                 R"("type":"function"}])");
    EXPECT_EQ(final_status(harmony::EndReason::cancelled), MessageStatus::cancelled);
    EXPECT_EQ(final_status(harmony::EndReason::length), MessageStatus::length);
}

TEST(StoreFailureStatus, AnAnswerWhoseGpuStoppedIsInterruptedAnyOtherFailed) {
    EXPECT_EQ(failure_status(hearth::Error{"The GPU stopped responding", "", true}),
              MessageStatus::interrupted);
    EXPECT_EQ(failure_status(hearth::Error{"The prompt is too long for the context", "", false}),
              MessageStatus::failed);
}

TEST_F(StoreStreamWriterTest, AnsweringAToolCallKeepsCallResultAndNextAnswerInOneBranch) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    const auto q = store.add_message(c, std::nullopt, text_message(Role::user, "q")).value();
    auto call = MessageStreamWriter::begin(store, c, q, ReasoningEffort::high).value();
    ASSERT_TRUE(call.append(Channel::analysis, "Look it up."));
    ASSERT_TRUE(call.add_tool_call("functions.get_weather", "json", "{}"));
    MessageStats round;
    round.generated_tokens = 7;
    auto answer = call.answer_tool_call("not available", round).value();
    ASSERT_TRUE(answer.append(Channel::final, "I cannot look it up."));
    ASSERT_TRUE(answer.finish(MessageStatus::complete, {}));

    const auto path = store.current_path(c).value();
    ASSERT_EQ(path.size(), 4u);
    EXPECT_EQ(path[0].id, q);
    EXPECT_EQ(path[1].id, call.id());
    EXPECT_EQ(path[1].body.status, MessageStatus::complete);
    EXPECT_EQ(path[1].body.thinking, "Look it up.");
    EXPECT_EQ(path[1].body.stats.generated_tokens, 7);
    EXPECT_EQ(path[1].body.tool_calls, R"([{"function":{"arguments":"{}","content_type":"json",)"
                                       R"("name":"get_weather"},"type":"function"}])");
    EXPECT_EQ(path[2].body.role, Role::tool);
    EXPECT_EQ(path[2].body.content, "not available");
    EXPECT_EQ(path[3].id, answer.id());
    EXPECT_EQ(path[3].body.role, Role::assistant);
    EXPECT_EQ(path[3].body.content, "I cannot look it up.");
    EXPECT_EQ(path[3].body.reasoning_effort, ReasoningEffort::high);
    EXPECT_FALSE(call.answer_tool_call("again", round)) << "the call is answered once";
}

TEST_F(StoreStreamWriterTest, ABuiltInToolCallKeepsItsWholeName) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    auto writer = MessageStreamWriter::begin(store, c, std::nullopt, ReasoningEffort::low).value();
    ASSERT_TRUE(writer.add_tool_call("browser.search", "json", R"({"query":"x"})"));
    EXPECT_EQ(writer.tool_calls(), R"([{"function":{"arguments":"{\"query\":\"x\"}",)"
                                   R"("content_type":"json","name":"browser.search"},)"
                                   R"("type":"builtin"}])");
    const auto call = first_tool_call(writer.tool_calls()).value();
    EXPECT_EQ(call.name, "browser.search");
    EXPECT_TRUE(call.built_in);
}

TEST_F(StoreStreamWriterTest, AMessageLeftStreamingIsMarkedInterruptedAtTheNextOpen) {
    MessageId id = 0;
    {
        auto store = open_store();
        const auto c = store.create_conversation({}).value();
        auto writer =
            MessageStreamWriter::begin(store, c, std::nullopt, ReasoningEffort::medium).value();
        ASSERT_TRUE(writer.append(Channel::final, "written before the crash"));
        ASSERT_TRUE(writer.flush());
        ASSERT_TRUE(writer.append(Channel::final, " and this was never written"));
        id = writer.id();
        // The store closes without finish(): as if the process had died.
    }
    auto store = open_store();
    EXPECT_EQ(store.interrupted_at_open(), 1);
    const auto m = store.message(id).value();
    EXPECT_EQ(m.body.status, MessageStatus::interrupted);
    EXPECT_EQ(m.body.content, "written before the crash");
    EXPECT_EQ(search(store, {.text = "before the crash"})->size(), 1u);
}

TEST_F(StoreStreamWriterTest, AFullDiskFailsTheWriteButKeepsTheTextForALaterFlush) {
    auto store = open_store();
    const auto c = store.create_conversation({}).value();
    auto writer = MessageStreamWriter::begin(store, c, std::nullopt, ReasoningEffort::medium,
                                             {.max_pending_deltas = 1}, clock())
                      .value();
    // The file may not grow by a single page: as good as a full disk.
    const auto pages = store.database().query_int64("PRAGMA page_count").value();
    ASSERT_TRUE(store.database().execute("PRAGMA max_page_count = " + std::to_string(pages)));

    const std::string big(200'000, 'x');
    auto write = writer.append(Channel::final, big);
    ASSERT_FALSE(write);
    EXPECT_NE(write.error().detail.find("full"), std::string::npos) << write.error().detail;
    EXPECT_EQ(writer.content(), big);
    EXPECT_TRUE(writer.has_unsaved_text());
    EXPECT_FALSE(writer.finish(MessageStatus::complete, {}));
    EXPECT_EQ(stored_content(store, writer.id()), "");

    ASSERT_TRUE(store.database().execute("PRAGMA max_page_count = 1000000"));
    ASSERT_TRUE(writer.flush());
    EXPECT_EQ(stored_content(store, writer.id()), big);
    ASSERT_TRUE(writer.finish(MessageStatus::complete, {}));
    EXPECT_EQ(store.message(writer.id())->body.status, MessageStatus::complete);
}

} // namespace
