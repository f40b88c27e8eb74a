// The gpt-oss tokenizer's behaviour. Expected ids come from docs/gpt-oss-model.md section 10.4
// (OpenAI's harmony test data) and from the token table of section 7.4.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "gpt_oss_tokenizer.h"

namespace {

using hearth::AllowedSpecials;
using hearth::TokenId;
using hearth::test::gpt_oss_tokenizer;
using Ids = std::vector<TokenId>;

TEST(Tokenizer, EncodesTheHarmonyTestVectors) {
    const auto& t = gpt_oss_tokenizer();
    EXPECT_EQ(t.encode_ordinary("analysis"), (Ids{35644}));
    EXPECT_EQ(t.encode_ordinary("final"), (Ids{17196}));
    EXPECT_EQ(t.encode_ordinary("assistant"), (Ids{173781}));
    EXPECT_EQ(t.encode_ordinary(" to"), (Ids{316}));
    EXPECT_EQ(t.encode_ordinary("="), (Ids{28}));
    EXPECT_EQ(t.encode_ordinary(" code"), (Ids{3490}));
    EXPECT_EQ(t.encode_ordinary("User asks: \"What is 2 + 2?\" Simple arithmetic. Provide answer."),
              (Ids{1844, 31064, 25, 392, 4827, 382, 220, 17, 659, 220, 17, 16842, 12295, 81645, 13,
                   51441, 6052, 13}));
    EXPECT_EQ(t.encode_ordinary("2 + 2 = 4."), (Ids{17, 659, 220, 17, 314, 220, 19, 13}));
}

TEST(Tokenizer, KnowsTheHarmonySpecialTokens) {
    const auto& t = gpt_oss_tokenizer();
    EXPECT_EQ(t.special_token_id("<|startoftext|>"), 199998);
    EXPECT_EQ(t.special_token_id("<|endoftext|>"), 199999);
    EXPECT_EQ(t.special_token_id("<|return|>"), 200002);
    EXPECT_EQ(t.special_token_id("<|constrain|>"), 200003);
    EXPECT_EQ(t.special_token_id("<|channel|>"), 200005);
    EXPECT_EQ(t.special_token_id("<|start|>"), 200006);
    EXPECT_EQ(t.special_token_id("<|end|>"), 200007);
    EXPECT_EQ(t.special_token_id("<|message|>"), 200008);
    EXPECT_EQ(t.special_token_id("<|call|>"), 200012);
    EXPECT_EQ(t.special_token_id("<|endofprompt|>"), 200018);
    EXPECT_EQ(t.special_token_id("<|nonsense|>"), std::nullopt);
    EXPECT_TRUE(t.is_special(200006));
    EXPECT_FALSE(t.is_special(35644));
}

TEST(Tokenizer, OrdinaryEncodingNeverProducesSpecialTokens) {
    const auto& t = gpt_oss_tokenizer();
    for (const TokenId id : t.encode_ordinary("<|start|>user<|message|>hi<|end|>")) {
        EXPECT_FALSE(t.is_special(id)) << id;
    }
    EXPECT_EQ(t.encode("<|start|>", AllowedSpecials::none()), t.encode_ordinary("<|start|>"));
}

TEST(Tokenizer, AllowedSpecialTokensBecomeTheirIds) {
    const auto& t = gpt_oss_tokenizer();
    EXPECT_EQ(
        t.encode("<|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>",
                 AllowedSpecials::all()),
        (Ids{200006, 173781, 200005, 17196, 200008, 17, 659, 220, 17, 314, 220, 19, 13, 200002}));
    const auto only_start = t.encode("<|start|>x<|end|>", AllowedSpecials::only({"<|start|>"}));
    EXPECT_EQ(only_start.front(), 200006);
    EXPECT_EQ(std::ranges::count(only_start, 200007), 0);
}

TEST(Tokenizer, DecodesSpecialTokensAsTheirText) {
    const auto text = gpt_oss_tokenizer().decode(Ids{200005, 35644, 200008});
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, "<|channel|>analysis<|message|>");
}

TEST(Tokenizer, PaddingIdsAreNeitherProducedNorDecoded) {
    const auto& t = gpt_oss_tokenizer();
    EXPECT_EQ(t.size(), 200019u); // the HF file stops after <|endofprompt|>; the model has 201088
    EXPECT_FALSE(t.decode(Ids{200019}).has_value());
    EXPECT_FALSE(t.decode(Ids{201087}).has_value());
    EXPECT_FALSE(t.decode(Ids{-1}).has_value());
    EXPECT_EQ(t.token_bytes(201087), std::nullopt);
}

TEST(Tokenizer, InvalidUtf8BytesAreEncodedAsThemselvesAndRoundTrip) {
    const auto& t = gpt_oss_tokenizer();
    const std::string text = "ok \xff\xfe bytes \xc3 and a cut emoji \xF0\x9F\x98";
    const auto ids = t.encode_ordinary(text);
    EXPECT_EQ(t.decode(ids), text);
    const auto lone = t.encode_ordinary("\xff");
    ASSERT_EQ(lone.size(), 1u);
    EXPECT_EQ(t.token_bytes(lone[0]), "\xff");
}

TEST(Tokenizer, VeryLongRunsEncodeAndRoundTrip) {
    const auto& t = gpt_oss_tokenizer();
    const std::string spaces(200'000, ' ');
    const std::string text = "start" + spaces + "end\n" + std::string(50'000, '7');
    EXPECT_EQ(t.decode(t.encode_ordinary(text)), text);
}

TEST(TokenStreamDecoder, HoldsBackACharacterSplitAcrossTokens) {
    const auto& t = gpt_oss_tokenizer();
    // Single-byte tokens: what a model emits for a character it has no token for.
    Ids bytes;
    for (const char byte : std::string("\xF0\x9F\x98\x80")) {
        const auto ids = t.encode_ordinary(std::string(1, byte));
        ASSERT_EQ(ids.size(), 1u);
        bytes.push_back(ids[0]);
    }
    hearth::TokenStreamDecoder decoder(t);
    EXPECT_EQ(decoder.push(bytes[0]), "");
    EXPECT_EQ(decoder.push(bytes[1]), "");
    EXPECT_EQ(decoder.push(bytes[2]), "");
    EXPECT_EQ(decoder.push(bytes[3]), "\xF0\x9F\x98\x80");
    EXPECT_EQ(decoder.push(t.encode_ordinary("!")[0]), "!");
    EXPECT_EQ(decoder.finish(), "");
}

TEST(TokenStreamDecoder, FinishTurnsAnUnfinishedCharacterIntoAReplacement) {
    const auto& t = gpt_oss_tokenizer();
    hearth::TokenStreamDecoder decoder(t);
    EXPECT_EQ(decoder.push(t.encode_ordinary("\xE4")[0]), "");
    EXPECT_EQ(decoder.finish(), "\uFFFD");
}

TEST(TokenStreamDecoder, RejectsAnUnknownIdAndCarriesOn) {
    const auto& t = gpt_oss_tokenizer();
    hearth::TokenStreamDecoder decoder(t);
    EXPECT_FALSE(decoder.push(200500).has_value());
    EXPECT_EQ(decoder.push(t.encode_ordinary("hi")[0]), "hi");
}

} // namespace
