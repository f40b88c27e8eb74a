// hearth-cli run and chat with --db record into the store (on the tiny fixture model).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>

#include "store_test_support.h"

extern char** environ;

namespace {

using namespace hearth::store;
using hearth::harmony::Role;

class StoreCliTest : public testing_support::TempDirTest {
  protected:
    // Runs hearth-cli with `args`, stdin from `input`; returns its exit status.
    int cli(std::vector<std::string> args, const std::string& input = {}) {
        const auto stdin_path = dir_ / "stdin.txt";
        std::ofstream(stdin_path) << input;
        args.insert(args.begin(), HEARTH_CLI);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        const auto stderr_path = dir_ / "stderr.txt";
        posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t child = 0;
        const int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) return -1;
        int status = 0;
        ::waitpid(child, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::vector<std::string> generation_args(std::string command) {
        return {std::move(command), "--model", model_, "--max-tokens",    "3", "--temperature", "0",
                "--threads",        "2",       "--db", db_path().string()};
    }

    const std::string model_ = std::string(HEARTH_TINY_MODEL_DIR) + "/tiny-gpt-oss.gguf";
};

TEST_F(StoreCliTest, RunRecordsOneNewConversationPerCall) {
    auto first = generation_args("run");
    first.insert(first.end(), {"--prompt", "Hi there", "--reasoning", "high"});
    ASSERT_EQ(cli(first), 0);
    auto second = generation_args("run");
    second.insert(second.end(), {"--prompt", "Second"});
    ASSERT_EQ(cli(second), 0);

    auto store = open_store();
    const auto ids = store.all_conversation_ids().value();
    ASSERT_EQ(ids.size(), 2u);
    const auto c = store.conversation(ids[0]).value();
    EXPECT_EQ(c.title, "Hi there");
    EXPECT_EQ(c.settings.model, "tiny-gpt-oss.gguf");
    EXPECT_EQ(c.settings.reasoning_effort, hearth::harmony::ReasoningEffort::high);
    EXPECT_EQ(c.settings.sampling.temperature, 0.0);
    EXPECT_EQ(c.settings.sampling.max_tokens, 3);
    const auto path = store.current_path(ids[0]).value();
    ASSERT_EQ(path.size(), 2u);
    EXPECT_EQ(path[0].body.role, Role::user);
    EXPECT_EQ(path[0].body.content, "Hi there");
    EXPECT_EQ(path[1].body.role, Role::assistant);
    // Three tokens, the limit: saved as cut off there, so it can be continued.
    EXPECT_EQ(path[1].body.status, MessageStatus::length);
    EXPECT_EQ(path[1].body.stats.generated_tokens, 3);
    EXPECT_EQ(path[1].body.reasoning_effort, hearth::harmony::ReasoningEffort::high);
    EXPECT_EQ(store.conversation(ids[1])->title, "Second");
}

TEST_F(StoreCliTest, ChatRecordsEachTurnAndResetStartsANewConversation) {
    ASSERT_EQ(cli(generation_args("chat"), "Hello\nHow are you?\n/reset\n안녕\n/exit\n"), 0);
    auto store = open_store();
    const auto ids = store.all_conversation_ids().value();
    ASSERT_EQ(ids.size(), 2u);
    const auto first = store.current_path(ids[0]).value();
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[0].body.content, "Hello");
    EXPECT_EQ(first[1].body.role, Role::assistant);
    EXPECT_EQ(first[2].body.content, "How are you?");
    EXPECT_EQ(first[3].body.status, MessageStatus::length); // the 3-token limit
    const auto second = store.current_path(ids[1]).value();
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(store.conversation(ids[1])->title, "안녕");
}

TEST_F(StoreCliTest, ABadDatabaseStopsTheCommandBeforeTheModelLoadsAndIsLeftAlone) {
    std::ofstream(db_path()) << "not a database, just text that is long enough to be a header";
    auto args = generation_args("run");
    args.insert(args.end(), {"--prompt", "Hi"});
    EXPECT_EQ(cli(args), 1);
    std::ifstream err(dir_ / "stderr.txt");
    std::string message((std::istreambuf_iterator<char>(err)), {});
    EXPECT_NE(message.find("is not a Hearth database"), std::string::npos) << message;
    std::ifstream db(db_path());
    std::string bytes((std::istreambuf_iterator<char>(db)), {});
    EXPECT_EQ(bytes, "not a database, just text that is long enough to be a header");
}

} // namespace
