#include "bpe.h"

#include <queue>

#include <functional>
#include <limits>
#include <utility>

namespace hearth::tokenizer {
namespace {

constexpr std::uint32_t no_rank = std::numeric_limits<std::uint32_t>::max();

std::uint32_t as_merge_rank(std::int32_t rank) {
    return rank == RankTable::absent ? no_rank : static_cast<std::uint32_t>(rank);
}

} // namespace

BytePairEncoder::BytePairEncoder(RankTable ranks) : ranks_(std::move(ranks)) {
    for (unsigned byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        byte_ranks_[byte] = ranks_.find(std::string_view(&c, 1));
    }
}

void BytePairEncoder::encode_piece(std::string_view piece, std::vector<std::int32_t>& out) const {
    if (const std::int32_t whole = ranks_.find(piece); whole != RankTable::absent) {
        out.push_back(whole);
    } else if (piece.size() <= longest_scanned_piece) {
        merge_by_scanning(piece, out);
    } else {
        merge_with_heap(piece, out);
    }
}

// tiktoken's loop: parts[i] is the token starting at byte parts[i].start; pair_rank is the rank of
// parts[i] joined with parts[i + 1]. Each round merges the lowest pair and rescans.
void BytePairEncoder::merge_by_scanning(std::string_view piece,
                                        std::vector<std::int32_t>& out) const {
    struct Part {
        std::uint32_t start;
        std::uint32_t pair_rank;
        std::int32_t token;
    };
    std::array<Part, longest_scanned_piece + 1> parts;
    const auto n = static_cast<std::uint32_t>(piece.size());
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t pair_rank =
            i + 1 < n ? as_merge_rank(ranks_.find(piece.substr(i, 2))) : no_rank;
        parts[i] = {i, pair_rank, byte_ranks_[static_cast<unsigned char>(piece[i])]};
    }
    parts[n] = {n, no_rank, RankTable::absent};
    std::size_t count = n + 1; // parts plus the end sentinel

    const auto rank_spanning = [&](std::size_t first, std::size_t past_last) {
        if (past_last >= count) return no_rank;
        const std::uint32_t begin = parts[first].start;
        return as_merge_rank(ranks_.find(piece.substr(begin, parts[past_last].start - begin)));
    };
    for (;;) {
        std::size_t best = 0;
        for (std::size_t i = 1; i + 1 < count; ++i) {
            if (parts[i].pair_rank < parts[best].pair_rank) best = i;
        }
        const std::uint32_t merged_rank = parts[best].pair_rank;
        if (merged_rank == no_rank) break;
        parts[best].token = static_cast<std::int32_t>(merged_rank);
        parts[best].pair_rank = rank_spanning(best, best + 3);
        if (best > 0) parts[best - 1].pair_rank = rank_spanning(best - 1, best + 2);
        for (std::size_t i = best + 1; i + 1 < count; ++i)
            parts[i] = parts[i + 1];
        --count;
    }
    for (std::size_t i = 0; i + 1 < count; ++i)
        out.push_back(parts[i].token);
}

// The same merges in the same order, with a min-heap of candidate pairs keyed by (rank, start).
// Parts form a linked list by start offset; a heap entry is stale once either part it joined has
// changed, which shows as a different end offset for the pair.
void BytePairEncoder::merge_with_heap(std::string_view piece,
                                      std::vector<std::int32_t>& out) const {
    const auto n = static_cast<std::uint32_t>(piece.size());
    std::vector<std::uint32_t> next(n); // start of the following part, n at the end
    std::vector<std::uint32_t> previous(n);
    std::vector<std::int32_t> token(n); // meaningful for live parts only
    std::vector<bool> live(n, true);
    for (std::uint32_t i = 0; i < n; ++i) {
        next[i] = i + 1;
        previous[i] = i - 1; // wraps for i == 0; never read there
        token[i] = byte_ranks_[static_cast<unsigned char>(piece[i])];
    }

    struct Candidate {
        std::uint32_t rank;
        std::uint32_t start;
        std::uint32_t end;
        bool operator>(const Candidate& other) const {
            return rank != other.rank ? rank > other.rank : start > other.start;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto push_pair = [&](std::uint32_t start) {
        if (next[start] >= n) return;
        const std::uint32_t end = next[next[start]];
        const std::int32_t rank = ranks_.find(piece.substr(start, end - start));
        if (rank != RankTable::absent) heap.push({static_cast<std::uint32_t>(rank), start, end});
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i)
        push_pair(i);

    while (!heap.empty()) {
        const Candidate best = heap.top();
        heap.pop();
        const bool stale =
            !live[best.start] || next[best.start] >= n || next[next[best.start]] != best.end;
        if (stale) continue;
        const std::uint32_t right = next[best.start];
        live[right] = false;
        next[best.start] = next[right];
        if (next[right] < n) previous[next[right]] = best.start;
        token[best.start] = static_cast<std::int32_t>(best.rank);
        if (best.start > 0) push_pair(previous[best.start]);
        push_pair(best.start);
    }
    for (std::uint32_t i = 0; i < n; i = next[i])
        out.push_back(token[i]);
}

} // namespace hearth::tokenizer
