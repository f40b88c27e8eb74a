// What a Tokenizer shares between its copies: the validated vocabulary in the shapes encoding and
// decoding want.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bpe.h"
#include "hearth/tokenizer.h"

namespace hearth {

struct Tokenizer::Vocabulary {
    struct Special {
        std::string text;
        TokenId id;
    };

    explicit Vocabulary(tokenizer::RankTable ranks) : encoder(std::move(ranks)) {}

    tokenizer::BytePairEncoder encoder;
    // Bytes of token i: token_arena[token_offsets[i], token_offsets[i + 1]).
    std::string token_arena;
    std::vector<std::uint32_t> token_offsets;
    std::vector<TokenType> types;
    // Special tokens grouped by their first byte, longest first, for scanning text.
    std::array<std::vector<Special>, 256> specials_by_first_byte;
    std::unordered_map<std::string, TokenId> special_ids;
};

} // namespace hearth
