// hearth-store-bench: how fast the store answers the sidebar and a search on a large history.
//
//   hearth-store-bench --db PATH [--conversations N] [--messages M] [--runs R]
//
// Fills PATH (when it has no conversations yet) with N synthetic conversations and M messages of
// English-like and Korean words, then times the sidebar page (50 most recent non-archived
// conversations, pinned first) and several searches, R runs each, and prints the median and
// the slowest run. Not a test: numbers depend on the machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "conversation_store.h"
#include "search.h"

namespace {

using namespace hearth::store;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string db;
    std::int64_t conversations = 10'000;
    std::int64_t messages = 1'000'000;
    int runs = 20;
};

// A vocabulary with a Zipf-like use: word i is used about 1/(i+1) as often as word 0.
class Words {
  public:
    explicit Words(std::mt19937_64& random) : random_(random) {
        static constexpr std::string_view syllables[] = {
            "ka",  "ro",  "mi",  "ten", "sa", "lo",  "ver", "din", "qua", "pel", "ru", "sho",
            "nim", "tra", "bel", "gor", "fi", "zan", "mo",  "lek", "ux",  "har", "pi", "wen"};
        for (int i = 0; i < 4000; ++i) {
            std::string word;
            if (i % 4 == 3) { // every fourth word is Korean: 2 to 4 Hangul syllables
                const int length = 2 + static_cast<int>(random_() % 3);
                for (int s = 0; s < length; ++s)
                    append_utf8(word, 0xAC00 + random_() % 11172);
            } else {
                const int length = 2 + static_cast<int>(random_() % 3);
                for (int s = 0; s < length; ++s)
                    word += syllables[random_() % std::size(syllables)];
            }
            words_.push_back(std::move(word));
            weights_.push_back(1.0 / (i + 1));
        }
        pick_ = std::discrete_distribution<std::size_t>(weights_.begin(), weights_.end());
    }

    std::string sentence(int min_words, int max_words) {
        const int count = min_words + static_cast<int>(random_() % (max_words - min_words + 1));
        std::string text;
        for (int i = 0; i < count; ++i) {
            if (i) text += ' ';
            text += words_[pick_(random_)];
        }
        return text;
    }
    const std::string& word(std::size_t rank) const { return words_[rank]; }

  private:
    static void append_utf8(std::string& out, std::uint64_t cp) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }

    std::mt19937_64& random_;
    std::vector<std::string> words_;
    std::vector<double> weights_;
    std::discrete_distribution<std::size_t> pick_;
};

hearth::Result<void> fill(ConversationStore& store, const Options& options) {
    Database& db = store.database();
    std::mt19937_64 random(42);
    Words words(random);
    auto conversation = db.prepare("INSERT INTO conversations (title, created_ms, updated_ms, "
                                   "pinned, archived, current_leaf_id) VALUES (?, ?, ?, ?, ?, ?)");
    auto message = db.prepare(
        "INSERT INTO messages (conversation_id, parent_id, role, content, thinking, status, "
        "reasoning_effort, generated_tokens, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, ?, 'complete', ?, ?, ?, ?)");
    auto leaf = db.prepare("UPDATE conversations SET current_leaf_id = ? WHERE id = ?");
    if (!conversation) return std::unexpected(conversation.error());
    if (!message) return std::unexpected(message.error());
    if (!leaf) return std::unexpected(leaf.error());
    const std::int64_t start_ms = 1'700'000'000'000;
    const std::int64_t per_conversation = options.messages / options.conversations;
    std::int64_t written = 0;
    const auto started = Clock::now();
    for (std::int64_t c = 0; c < options.conversations; ++c) {
        if (c % 500 == 0) {
            if (c > 0) {
                if (auto ok = db.execute("COMMIT"); !ok) return ok;
                std::fprintf(stderr, "\r%lld conversations, %lld messages",
                             static_cast<long long>(c), static_cast<long long>(written));
            }
            if (auto ok = db.execute("BEGIN"); !ok) return ok;
        }
        const std::int64_t created = start_ms + c * 60'000;
        const std::int64_t count =
            c + 1 == options.conversations ? options.messages - written : per_conversation;
        conversation->reset();
        auto ok = conversation->bind_all(words.sentence(2, 6), created, created + count * 1000,
                                         random() % 50 == 0, random() % 10 == 0, std::nullopt);
        if (ok) ok = conversation->run();
        if (!ok) return ok;
        const ConversationId id = db.last_insert_rowid();
        std::optional<MessageId> parent, grandparent;
        for (std::int64_t i = 0; i < count; ++i) {
            const bool user = i % 2 == 0;
            // One answer in twenty is regenerated: a sibling under the same question.
            const bool sibling = !user && grandparent && random() % 20 == 0;
            message->reset();
            ok = message->bind_all(id, sibling ? grandparent : parent, user ? "user" : "assistant",
                                   words.sentence(user ? 4 : 10, user ? 20 : 40),
                                   user ? std::string() : words.sentence(5, 25));
            if (ok)
                ok = user ? message->bind_null(6) : message->bind(6, std::string_view("medium"));
            if (ok) ok = message->bind(7, std::int64_t{user ? 0 : 120});
            if (ok) ok = message->bind(8, created + i * 1000);
            if (ok) ok = message->bind(9, created + i * 1000);
            if (ok) ok = message->run();
            if (!ok) return ok;
            grandparent = parent;
            parent = db.last_insert_rowid();
        }
        written += count;
        leaf->reset();
        ok = leaf->bind_all(parent, id);
        if (ok) ok = leaf->run();
        if (!ok) return ok;
    }
    if (auto ok = db.execute("COMMIT; PRAGMA optimize"); !ok) return ok;
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::fprintf(stderr, "\rfilled %lld conversations, %lld messages in %.0f s\n",
                 static_cast<long long>(options.conversations), static_cast<long long>(written),
                 seconds);
    return {};
}

template <typename F>
void time_it(const char* what, int runs, F&& call) {
    std::vector<double> ms;
    std::size_t results = 0;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        results = call();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    const double first = ms.front();
    std::sort(ms.begin(), ms.end());
    std::printf("%-44s %8.2f ms median %8.2f ms max %8.2f ms first  (%zu results)\n", what,
                ms[ms.size() / 2], ms.back(), first, results);
}

int fail_with(const hearth::Error& error) {
    std::fprintf(stderr, "hearth-store-bench: %s (%s)\n", error.message.c_str(),
                 error.detail.c_str());
    return 1;
}

} // namespace

int main(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        if (name == "--db")
            options.db = argv[i + 1];
        else if (name == "--conversations")
            options.conversations = std::atoll(argv[i + 1]);
        else if (name == "--messages")
            options.messages = std::atoll(argv[i + 1]);
        else if (name == "--runs")
            options.runs = std::atoi(argv[i + 1]);
    }
    if (options.db.empty() || options.conversations <= 0 || options.messages <= 0 ||
        options.runs <= 0) {
        std::fputs("Usage: hearth-store-bench --db PATH [--conversations N] [--messages M] "
                   "[--runs R]\n",
                   stderr);
        return 2;
    }
    auto store = ConversationStore::open(options.db);
    if (!store) return fail_with(store.error());
    auto existing = store->database().query_int64("SELECT count(*) FROM conversations");
    if (!existing) return fail_with(existing.error());
    if (*existing == 0) {
        if (auto ok = fill(*store, options); !ok) return fail_with(ok.error());
    }
    auto counts = store->database().query_text(
        "SELECT (SELECT count(*) FROM conversations) || ' conversations, ' || "
        "(SELECT count(*) FROM messages) || ' messages'");
    if (!counts) return fail_with(counts.error());
    std::printf("%s in %s\n", counts->c_str(), options.db.c_str());

    time_it("sidebar page (50, pinned first, recent)", options.runs,
            [&] { return store->list_conversations({.limit = 50}).value().size(); });
    time_it("sidebar page at offset 1000", options.runs, [&] {
        return store->list_conversations({.limit = 50, .offset = 1000}).value().size();
    });
    time_it("current branch of a conversation", options.runs,
            [&] { return store->current_path(options.conversations / 2).value().size(); });
    std::mt19937_64 random(42);
    Words words(random); // the same vocabulary the fill used
    // Korean words have 2 to 4 syllables: one of 3 or more for trigrams, one of 2 for LIKE.
    auto korean = [&](std::size_t from, std::size_t syllables) {
        for (std::size_t rank = from + 3 - from % 4;; rank += 4) {
            if (words.word(rank).size() == 3 * syllables) return words.word(rank);
        }
    };
    const std::string queries[] = {
        words.word(1500),                        // a rare English-like word
        korean(1500, 3),                         // a rare Korean word
        words.word(40),                          // a common word
        words.word(1500) + " " + words.word(20), // two words
        korean(1500, 2),                         // two Hangul syllables: the LIKE scan
        "zzzq",                                  // nothing matches
    };
    for (const auto& text : queries) {
        const std::string label = "search \"" + text + "\"";
        time_it(label.c_str(), options.runs,
                [&] { return search(*store, {.text = text, .limit = 20}).value().size(); });
    }
    return 0;
}
