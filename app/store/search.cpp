#include "search.h"

#include <algorithm>
#include <cctype>

namespace hearth::store {
namespace {

// Trigram snippets are marked with these control characters first, so the field that matched
// can be told apart, then the caller's markers replace them.
constexpr std::string_view raw_start = "\x01";
constexpr std::string_view raw_end = "\x02";
constexpr int snippet_tokens = 48; // trigram "tokens": about one character each
constexpr std::size_t like_context_bytes = 40;
// BM25 needs every match of every word (its IDF counts them): for a word found in more messages
// than this, the newest matches come first instead, which stops after `limit` of them. On a
// million messages, ranking 70,000 matches takes hundreds of milliseconds, and a word that common
// says little about which message is wanted.
constexpr std::int64_t most_matches_ranked = 1000;

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        const std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i > start) words.emplace_back(text.substr(start, i - start));
    }
    return words;
}

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// "a" "b": every word as a phrase, all required.
std::string match_expression(const std::vector<std::string>& words) {
    std::string expression;
    for (const auto& word : words) {
        if (!expression.empty()) expression += ' ';
        expression += '"';
        for (char c : word) {
            expression += c;
            if (c == '"') expression += '"';
        }
        expression += '"';
    }
    return expression;
}

std::string like_pattern(std::string_view word) {
    std::string pattern = "%";
    for (char c : word) {
        if (c == '%' || c == '_' || c == '\\') pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string with_markers(std::string snippet, const SearchQuery& query) {
    return replace_all(replace_all(std::move(snippet), raw_start, query.match_start), raw_end,
                       query.match_end);
}

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A LIKE match's snippet: the text around the first match, every word's matches marked. LIKE is
// case-insensitive for ASCII only, and so is this.
std::string like_snippet(std::string_view text, const std::vector<std::string>& words,
                         const SearchQuery& query) {
    const std::string lower = ascii_lower(text);
    std::size_t first = std::string::npos;
    for (const auto& word : words)
        first = std::min(first, lower.find(ascii_lower(word)));
    if (first == std::string::npos) return {};
    std::size_t begin = first > like_context_bytes ? first - like_context_bytes : 0;
    std::size_t end = std::min(text.size(), first + 3 * like_context_bytes);
    while (begin > 0 && continuation_byte(text[begin]))
        --begin;
    while (end < text.size() && continuation_byte(text[end]))
        ++end;
    std::string snippet = begin > 0 ? "…" : "";
    std::size_t at = begin;
    while (at < end) {
        std::size_t length = 0;
        for (const auto& word : words) {
            if (lower.compare(at, word.size(), ascii_lower(word)) == 0) {
                length = std::max(length, word.size());
            }
        }
        if (length == 0) {
            snippet += text[at++];
            continue;
        }
        snippet += query.match_start;
        snippet += text.substr(at, length);
        snippet += query.match_end;
        at += length;
    }
    if (end < text.size()) snippet += "…";
    return snippet;
}

Result<std::vector<SearchHit>> trigram_search(Database& db, const std::vector<std::string>& words,
                                              const SearchQuery& query) {
    const std::string expression = match_expression(words);
    std::vector<SearchHit> hits;
    // Titles count double: a title names what the whole conversation is about.
    auto titles = db.prepare(
        "SELECT c.id, c.title, snippet(title_search, 0, ?, ?, '…', ?), title_search.rank * 2 "
        "FROM title_search JOIN conversations c ON c.id = title_search.rowid "
        "WHERE title_search MATCH ? AND (? OR c.archived = 0) ORDER BY title_search.rank LIMIT ?");
    if (!titles) return std::unexpected(titles.error());
    auto ok = titles->bind_all(raw_start, raw_end, snippet_tokens, expression,
                               query.include_archived, query.limit);
    if (!ok) return std::unexpected(ok.error());
    while (true) {
        auto row = titles->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        hits.push_back({.conversation_id = titles->column_int64(0),
                        .message_id = std::nullopt,
                        .field = SearchField::title,
                        .conversation_title = titles->column_text(1),
                        .snippet = with_markers(titles->column_text(2), query),
                        .rank = titles->column_double(3)});
    }
    auto count = db.prepare("SELECT count(*) FROM (SELECT rowid FROM message_search WHERE "
                            "message_search MATCH ? ORDER BY rowid DESC LIMIT ?)");
    if (!count) return std::unexpected(count.error());
    bool ranked = true;
    for (const auto& word : words) { // each word on its own: BM25 counts each word's matches
        count->reset();
        if (ok = count->bind_all(match_expression({word}), most_matches_ranked + 1); !ok) {
            return std::unexpected(ok.error());
        }
        auto counted = count->step();
        if (!counted) return std::unexpected(counted.error());
        ranked = count->column_int64(0) <= most_matches_ranked;
        if (!ranked) break;
    }
    auto messages =
        db.prepare(std::string("SELECT m.id, m.conversation_id, c.title, "
                               "snippet(message_search, 0, ?1, ?2, '…', ?3), "
                               "snippet(message_search, 1, ?1, ?2, '…', ?3), ") +
                   (ranked ? "message_search.rank" : "0") +
                   " FROM message_search JOIN messages m ON m.id = message_search.rowid "
                   "JOIN conversations c ON c.id = m.conversation_id "
                   "WHERE message_search MATCH ?4 AND (?5 OR c.archived = 0) ORDER BY " +
                   (ranked ? "message_search.rank" : "message_search.rowid DESC") + " LIMIT ?6");
    if (!messages) return std::unexpected(messages.error());
    ok = messages->bind_all(raw_start, raw_end, snippet_tokens, expression, query.include_archived,
                            query.limit);
    if (!ok) return std::unexpected(ok.error());
    while (true) {
        auto row = messages->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        std::string content = messages->column_text(3);
        const bool in_content = content.find(raw_start) != std::string::npos;
        hits.push_back({.conversation_id = messages->column_int64(1),
                        .message_id = messages->column_int64(0),
                        .field = in_content ? SearchField::content : SearchField::thinking,
                        .conversation_title = messages->column_text(2),
                        .snippet = with_markers(
                            in_content ? std::move(content) : messages->column_text(4), query),
                        .rank = messages->column_double(5)});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
    if (hits.size() > static_cast<std::size_t>(query.limit)) {
        hits.resize(static_cast<std::size_t>(query.limit));
    }
    return hits;
}

// Words of one or two characters: trigrams cannot find them, so scan with LIKE, newest first.
Result<std::vector<SearchHit>> like_search(Database& db, const std::vector<std::string>& words,
                                           const SearchQuery& query) {
    std::string title_filter, message_filter;
    for (std::size_t i = 0; i < words.size(); ++i) {
        title_filter += " AND c.title LIKE ? ESCAPE '\\'";
        message_filter += " AND (m.content LIKE ? ESCAPE '\\' OR m.thinking LIKE ? ESCAPE '\\')";
    }
    std::vector<SearchHit> hits;
    auto titles = db.prepare("SELECT c.id, c.title FROM conversations c WHERE (? OR c.archived = "
                             "0)" +
                             title_filter + " ORDER BY c.updated_ms DESC, c.id DESC LIMIT ?");
    if (!titles) return std::unexpected(titles.error());
    int index = 1;
    auto ok = titles->bind(index++, static_cast<std::int64_t>(query.include_archived));
    for (const auto& word : words) {
        if (ok) ok = titles->bind(index++, like_pattern(word));
    }
    if (ok) ok = titles->bind(index, query.limit);
    if (!ok) return std::unexpected(ok.error());
    while (true) {
        auto row = titles->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const std::string title = titles->column_text(1);
        hits.push_back({.conversation_id = titles->column_int64(0),
                        .message_id = std::nullopt,
                        .field = SearchField::title,
                        .conversation_title = title,
                        .snippet = like_snippet(title, words, query),
                        .rank = 0});
    }
    auto messages =
        db.prepare("SELECT m.id, m.conversation_id, c.title, m.content, m.thinking FROM messages m "
                   "JOIN conversations c ON c.id = m.conversation_id "
                   "WHERE m.status <> 'streaming' AND (? OR c.archived = 0)" +
                   message_filter + " ORDER BY m.id DESC LIMIT ?");
    if (!messages) return std::unexpected(messages.error());
    index = 1;
    ok = messages->bind(index++, static_cast<std::int64_t>(query.include_archived));
    for (const auto& word : words) {
        if (ok) ok = messages->bind(index++, like_pattern(word));
        if (ok) ok = messages->bind(index++, like_pattern(word));
    }
    if (ok) ok = messages->bind(index, query.limit - static_cast<std::int64_t>(hits.size()));
    if (!ok) return std::unexpected(ok.error());
    while (true) {
        auto row = messages->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const std::string content = messages->column_text(3);
        std::string snippet = like_snippet(content, words, query);
        const bool in_content = !snippet.empty();
        if (!in_content) snippet = like_snippet(messages->column_text(4), words, query);
        hits.push_back({.conversation_id = messages->column_int64(1),
                        .message_id = messages->column_int64(0),
                        .field = in_content ? SearchField::content : SearchField::thinking,
                        .conversation_title = messages->column_text(2),
                        .snippet = std::move(snippet),
                        .rank = 0});
    }
    return hits;
}

} // namespace

Result<std::vector<SearchHit>> search(ConversationStore& store, const SearchQuery& query) {
    const auto words = split_words(query.text);
    if (words.empty() || query.limit <= 0) return std::vector<SearchHit>{};
    const bool trigram_ready = std::all_of(
        words.begin(), words.end(), [](const std::string& w) { return code_points(w) >= 3; });
    return trigram_ready ? trigram_search(store.database(), words, query)
                         : like_search(store.database(), words, query);
}

} // namespace hearth::store
