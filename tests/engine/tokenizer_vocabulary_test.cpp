// Tokenizer::from_vocabulary (the path GGUF files take) and from_hf_json on small hand-made
// vocabularies: merges follow tiktoken's rules and bad input is an Error, not a crash.
#include <gtest/gtest.h>

#include "hearth/tokenizer.h"
#include "tokenizer/byte_level.h"

namespace {

using hearth::TokenId;
using hearth::Tokenizer;
using hearth::TokenizerVocabulary;
using hearth::TokenType;
using Ids = std::vector<TokenId>;

// Ids 0..255 are the single bytes, in byte order; `extra` follow from 256.
TokenizerVocabulary bytes_plus(std::vector<std::string> extra) {
    TokenizerVocabulary vocabulary;
    for (int byte = 0; byte < 256; ++byte) {
        vocabulary.tokens.push_back(
            hearth::tokenizer::byte_level_encode(std::string(1, static_cast<char>(byte))));
    }
    for (auto& token : extra)
        vocabulary.tokens.push_back(std::move(token));
    return vocabulary;
}

int type(TokenType t) { return static_cast<int>(t); }

TEST(TokenizerVocabulary, ByteLevelSpellingCoversEveryByteOnce) {
    EXPECT_EQ(hearth::tokenizer::byte_level_encode(" "), "\u0120");  // Ġ
    EXPECT_EQ(hearth::tokenizer::byte_level_encode("\n"), "\u010A"); // Ċ
    EXPECT_EQ(hearth::tokenizer::byte_level_encode("a~"), "a~");
    EXPECT_EQ(hearth::tokenizer::byte_level_encode("\xAD"), "\u0143");
    for (int byte = 0; byte < 256; ++byte) {
        const std::string raw(1, static_cast<char>(byte));
        EXPECT_EQ(hearth::tokenizer::byte_level_decode(hearth::tokenizer::byte_level_encode(raw)),
                  raw);
    }
    EXPECT_EQ(hearth::tokenizer::byte_level_decode("\u0144"), std::nullopt);
}

TEST(TokenizerVocabulary, MergesTheLowestRankedPairFirst) {
    // "bc" (256) outranks "ab" (257): "abc" -> "a" + "bc".
    const auto t = Tokenizer::from_vocabulary(bytes_plus({"bc", "ab"}));
    ASSERT_TRUE(t.has_value()) << t.error().detail;
    EXPECT_EQ(t->encode_ordinary("abc"), (Ids{'a', 256}));
}

TEST(TokenizerVocabulary, MergesTheLeftmostPairOnTies) {
    const auto t = Tokenizer::from_vocabulary(bytes_plus({"aa"}));
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->encode_ordinary("aaa"), (Ids{256, 'a'}));
}

TEST(TokenizerVocabulary, AWholePieceThatIsATokenWinsOverMerges) {
    // tiktoken looks the piece up first: "abc" is a token even though no merge path leads there.
    const auto t = Tokenizer::from_vocabulary(bytes_plus({"bc", "abc"}));
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->encode_ordinary("abc"), (Ids{257}));
}

TEST(TokenizerVocabulary, SpecialAndUnusedTokensFollowTheirTypes) {
    auto vocabulary = bytes_plus({"<|start|>", "[PAD257]", "ab"});
    vocabulary.token_types.assign(vocabulary.tokens.size(), type(TokenType::normal));
    vocabulary.token_types[256] = type(TokenType::control);
    vocabulary.token_types[257] = type(TokenType::unused);
    const auto t = Tokenizer::from_vocabulary(vocabulary);
    ASSERT_TRUE(t.has_value()) << t.error().detail;
    EXPECT_EQ(t->special_token_id("<|start|>"), 256);
    EXPECT_EQ(t->encode("<|start|>ab", hearth::AllowedSpecials::all()), (Ids{256, 258}));
    EXPECT_FALSE(t->decode(Ids{257}).has_value());
    EXPECT_EQ(t->encode_ordinary("[PAD257]").size(), 8u);
}

TEST(TokenizerVocabulary, RejectsBrokenVocabularies) {
    const auto error_of = [](const TokenizerVocabulary& v) {
        const auto t = Tokenizer::from_vocabulary(v);
        return t.has_value() ? std::string("accepted") : t.error().detail;
    };
    EXPECT_EQ(error_of({}), "it has 0 tokens");

    auto missing_byte = bytes_plus({});
    missing_byte.tokens.pop_back();
    EXPECT_EQ(error_of(missing_byte), "no token for the single byte 255");

    EXPECT_EQ(error_of(bytes_plus({"a"})), "token 256 repeats an earlier token");
    EXPECT_EQ(error_of(bytes_plus({"\u0144"})), "token 256 is not byte-level text");
    EXPECT_EQ(error_of(bytes_plus({""})), "token 256 is not byte-level text");

    auto wrong_types = bytes_plus({});
    wrong_types.token_types = {1, 1};
    EXPECT_EQ(error_of(wrong_types), "256 tokens but 2 token types");

    auto unknown_type = bytes_plus({"ab"});
    unknown_type.token_types.assign(unknown_type.tokens.size(), 1);
    unknown_type.token_types[256] = 42;
    EXPECT_EQ(error_of(unknown_type), "token 256 has unknown type 42");
}

TEST(TokenizerHfJson, RejectsFilesItCannotHonour) {
    const auto error_of = [](std::string_view json) {
        const auto t = Tokenizer::from_hf_json(json);
        return t.has_value() ? std::string("accepted") : t.error().detail;
    };
    EXPECT_TRUE(error_of("{not json").starts_with("not valid JSON"));
    EXPECT_EQ(error_of(R"({"model": {"type": "BPE", "vocab": {"a": -1}}})"),
              "a token id is negative");
    EXPECT_EQ(error_of(R"({"model": {"type": "Unigram"}})"), "the model is not BPE");
    EXPECT_EQ(error_of(R"({"model": {"type": "BPE", "vocab": {}},
                           "pre_tokenizer": {"type": "ByteLevel"}})"),
              "the pre-tokenizer is not o200k's split pattern");
    EXPECT_FALSE(Tokenizer::from_hf_json_file("/nonexistent/tokenizer.json").has_value());
}

} // namespace
