// Full-text search over conversation titles, answers and reasoning.
//
// The index is FTS5's trigram tokenizer: it finds any substring, so it works for Korean, Chinese,
// Japanese and other text written without spaces ("한민" finds "대한민국"), case-insensitively.
// The query is split at whitespace and every word must occur (in any order). Trigrams need words
// of at least 3 characters; a query with a shorter word is answered by a LIKE scan over the same
// text, newest first, which stops as soon as `limit` results are found.
//
// Results are ranked by BM25 (titles weighted above message text), best first. A message is
// searchable once it stops streaming.
#pragma once

#include <string>
#include <vector>

#include "conversation_store.h"

namespace hearth::store {

struct SearchQuery {
    std::string text{};
    std::int64_t limit = 50;
    // Around each match in the snippet; the GUI picks its own markup.
    std::string match_start = "[";
    std::string match_end = "]";
    bool include_archived = true;
};

enum class SearchField { title, content, thinking };

struct SearchHit {
    ConversationId conversation_id = 0;
    std::optional<MessageId> message_id{}; // none for a title match
    SearchField field = SearchField::content;
    std::string conversation_title{};
    // Text around the match with the matched words marked, "…" where the text was cut.
    std::string snippet{};
    // Lower is better (FTS5's rank); 0 for LIKE-scan results, which come newest first.
    double rank = 0;
};

Result<std::vector<SearchHit>> search(ConversationStore& store, const SearchQuery& query);

} // namespace hearth::store
