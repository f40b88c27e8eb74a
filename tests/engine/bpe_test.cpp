// The two merge loops must agree exactly; the real o200k ranks make the comparison meaningful.
#include <gtest/gtest.h>

#include <random>

#include "gpt_oss_tokenizer.h"
#include "tokenizer/bpe.h"

namespace {

using hearth::tokenizer::BytePairEncoder;
using hearth::tokenizer::RankTable;

const BytePairEncoder& o200k_encoder() {
    static const BytePairEncoder encoder = [] {
        const auto& t = hearth::test::gpt_oss_tokenizer();
        RankTable ranks;
        ranks.reserve(t.size(), 0);
        for (std::size_t id = 0; id < t.size(); ++id) {
            const auto token_id = static_cast<hearth::TokenId>(id);
            if (!t.is_special(token_id) && t.token_bytes(token_id)) {
                ranks.insert(*t.token_bytes(token_id), token_id);
            }
        }
        return BytePairEncoder(std::move(ranks));
    }();
    return encoder;
}

TEST(BytePairEncoder, ScanningAndHeapMergeAgreeOnRandomPieces) {
    const std::string alphabet = "aeiou rstlnTHE\n\t'.,0123456789\xC3\xA9\xED\x95\x9C";
    std::mt19937 random(7);
    for (int round = 0; round < 3000; ++round) {
        std::string piece;
        const auto length = 2 + random() % (BytePairEncoder::longest_scanned_piece - 1);
        for (std::size_t i = 0; i < length; ++i)
            piece += alphabet[random() % alphabet.size()];
        std::vector<hearth::TokenId> scanned;
        std::vector<hearth::TokenId> heaped;
        o200k_encoder().merge_by_scanning(piece, scanned);
        o200k_encoder().merge_with_heap(piece, heaped);
        ASSERT_EQ(scanned, heaped) << piece;
    }
}

TEST(BytePairEncoder, RankTableFindsEveryTokenAndNothingElse) {
    const auto& ranks = o200k_encoder().ranks();
    EXPECT_EQ(ranks.size(), 199'998u);
    EXPECT_EQ(ranks.find("analysis"), 35644);
    EXPECT_EQ(ranks.find(" to"), 316);
    EXPECT_EQ(ranks.find("analysisanalysis"), RankTable::absent);
    EXPECT_EQ(ranks.find("<|start|>"), RankTable::absent);
}

} // namespace
