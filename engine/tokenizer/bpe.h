// Byte-pair encoding with tiktoken's semantics (docs/gpt-oss-model.md section 7.3): a piece that is
// itself a token is one token; otherwise start from single bytes and keep merging the adjacent
// pair whose concatenation has the lowest rank (leftmost on ties) until no pair is a token.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rank_table.h"

namespace hearth::tokenizer {

class BytePairEncoder {
  public:
    // `ranks` must hold every single byte.
    explicit BytePairEncoder(RankTable ranks);

    const RankTable& ranks() const { return ranks_; }

    // Appends the tokens of one pre-tokenizer piece to `out`.
    void encode_piece(std::string_view piece, std::vector<std::int32_t>& out) const;

    // The two merge loops, public so tests can hold them against each other. The scanning one
    // suits short pieces; the heap one keeps very long pieces (whitespace runs) from going
    // quadratic. Both need piece.size() >= 2.
    void merge_by_scanning(std::string_view piece, std::vector<std::int32_t>& out) const;
    void merge_with_heap(std::string_view piece, std::vector<std::int32_t>& out) const;

    static constexpr std::size_t longest_scanned_piece = 128;

  private:
    RankTable ranks_;
    std::array<std::int32_t, 256> byte_ranks_{};
};

} // namespace hearth::tokenizer
