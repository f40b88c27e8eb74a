// A writer process is killed with SIGKILL at random moments while it streams answers into the
// store. After every kill: the file passes SQLite's integrity check, every message the writer had
// committed is there, and the answer it was streaming is marked interrupted with the text of its
// last committed write (or, if the kill came between a commit and its report, the next one).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <random>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "crash_stream_text.h"
#include "store_test_support.h"

extern char** environ;

namespace {

using namespace hearth::store;

class StoreCrashTest : public testing_support::TempDirTest {};

struct Expected {
    enum class Kind { user, answer } kind;
    int index = 0;
    bool complete = false;
    std::size_t content_bytes = 0; // committed at least this much
    std::size_t thinking_bytes = 0;
};

// Starts the writer on `db`, waits until it has reported `lines_first` commits and then
// `then_wait` more, kills it, and returns its complete lines. Waiting on the reports, not on the
// clock alone, puts the kills inside the streaming however slowly the writer starts.
std::vector<std::string> run_and_kill(const std::filesystem::path& db, int lines_first,
                                      std::chrono::microseconds then_wait) {
    int out[2];
    if (::pipe(out) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string program = HEARTH_STORE_CRASH_WRITER;
    const std::string path = db.string();
    char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(path.c_str()), nullptr};
    pid_t child = 0;
    const int spawned = posix_spawn(&child, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) {
        ::close(out[0]);
        ADD_FAILURE() << "cannot start " << program;
        return {};
    }
    std::string text;
    char buffer[4096];
    while (std::count(text.begin(), text.end(), '\n') < lines_first) {
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    std::this_thread::sleep_for(then_wait);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended by itself, status " << status;

    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    std::vector<std::string> lines;
    std::size_t start = 0;
    // A line cut by the kill has no newline and is ignored.
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    return lines;
}

void record(const std::vector<std::string>& lines, std::map<MessageId, Expected>& expected) {
    for (const auto& line : lines) {
        std::istringstream in(line);
        char kind = 0;
        MessageId id = 0;
        in >> kind >> id;
        if (kind == 'U') {
            expected[id] = {.kind = Expected::Kind::user};
            in >> expected[id].index;
        } else if (kind == 'S') {
            expected[id] = {.kind = Expected::Kind::answer};
            in >> expected[id].index;
        } else if (kind == 'F') {
            in >> expected.at(id).content_bytes >> expected.at(id).thinking_bytes;
        } else if (kind == 'C') {
            expected.at(id).complete = true;
        }
    }
}

// `stored` is what the writer had committed: a prefix of the full text, at least `bytes` long.
void expect_committed_prefix(const std::string& stored, const std::string& full, std::size_t bytes,
                             MessageId id) {
    EXPECT_GE(stored.size(), bytes) << "message " << id << " lost committed text";
    EXPECT_EQ(full.compare(0, stored.size(), stored), 0)
        << "message " << id << " is not a prefix of what was streamed: " << stored;
}

TEST_F(StoreCrashTest, KilledWritersLeaveAConsistentStoreWithInterruptedAnswersKept) {
    std::mt19937 random(20240501);
    std::uniform_int_distribution<int> lines(0, 80);
    std::uniform_int_distribution<int> delay_us(0, 2'000);
    std::map<MessageId, Expected> expected;
    int interrupted_seen = 0;
    constexpr int kills = 40;
    for (int round = 0; round < kills; ++round) {
        SCOPED_TRACE("kill " + std::to_string(round));
        const int wait_for_lines = lines(random);
        record(run_and_kill(db_path(), wait_for_lines, std::chrono::microseconds(delay_us(random))),
               expected);

        {
            auto raw = Database::open_connection(db_path(), {}).value();
            ASSERT_EQ(raw.query_text("PRAGMA integrity_check").value(), "ok");
        }
        auto store = ConversationStore::open(db_path());
        ASSERT_TRUE(store) << store.error().message << " " << store.error().detail;
        interrupted_seen += static_cast<int>(store->interrupted_at_open());
        EXPECT_LE(store->interrupted_at_open(), 1);
        EXPECT_EQ(store->database()
                      .query_int64("SELECT count(*) FROM messages WHERE status = 'streaming'")
                      .value(),
                  0);
        for (const auto& [id, e] : expected) {
            auto m = store->message(id);
            ASSERT_TRUE(m) << "message " << id << " was reported committed but is missing";
            if (e.kind == Expected::Kind::user) {
                EXPECT_EQ(m->body.content, crash_text::question(e.index));
                continue;
            }
            const std::string content = crash_text::full_text(e.index, false);
            const std::string thinking = crash_text::full_text(e.index, true);
            if (e.complete) {
                EXPECT_EQ(m->body.status, MessageStatus::complete) << "message " << id;
                EXPECT_EQ(m->body.content, content);
                EXPECT_EQ(m->body.thinking, thinking);
                continue;
            }
            // Finished after its last report, or cut short by the kill and kept.
            EXPECT_TRUE(m->body.status == MessageStatus::interrupted ||
                        m->body.status == MessageStatus::complete)
                << "message " << id << " is " << status_name(m->body.status);
            expect_committed_prefix(m->body.content, content, e.content_bytes, id);
            expect_committed_prefix(m->body.thinking, thinking, e.thinking_bytes, id);
        }
        ASSERT_TRUE(store->database().execute(
            "INSERT INTO message_search(message_search) VALUES('integrity-check')"));
    }
    RecordProperty("interrupted_answers", interrupted_seen);
    RecordProperty("messages_checked", static_cast<int>(expected.size()));
    // The kills must have landed mid-answer often enough for the test to mean something.
    EXPECT_GE(interrupted_seen, kills / 4);
    EXPECT_GE(expected.size(), 50u);
}

} // namespace
