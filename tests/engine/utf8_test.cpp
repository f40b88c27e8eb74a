#include <gtest/gtest.h>

#include "tokenizer/utf8.h"

namespace {

using hearth::tokenizer::decode_utf8;
using hearth::tokenizer::Utf8Status;

TEST(Utf8, DecodesOneToFourByteCharacters) {
    EXPECT_EQ(decode_utf8("A", 0).code_point, U'A');
    EXPECT_EQ(decode_utf8("\xC3\xA9", 0).code_point, U'\u00E9');
    EXPECT_EQ(decode_utf8("\xED\x95\x9C", 0).code_point, U'\uD55C');
    const auto emoji = decode_utf8("\xF0\x9F\x98\x80", 0);
    EXPECT_EQ(emoji.code_point, U'\U0001F600');
    EXPECT_EQ(emoji.length, 4u);
    EXPECT_EQ(emoji.status, Utf8Status::valid);
}

TEST(Utf8, RejectsOverlongSurrogateAndOutOfRangeForms) {
    EXPECT_EQ(decode_utf8("\xC0\xAF", 0).status, Utf8Status::invalid);         // overlong '/'
    EXPECT_EQ(decode_utf8("\xE0\x80\xAF", 0).status, Utf8Status::invalid);     // overlong
    EXPECT_EQ(decode_utf8("\xED\xA0\x80", 0).status, Utf8Status::invalid);     // U+D800
    EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80", 0).status, Utf8Status::invalid); // > U+10FFFF
    EXPECT_EQ(decode_utf8("\x80", 0).status, Utf8Status::invalid);
    EXPECT_EQ(decode_utf8("\xFF", 0).length, 1u);
}

TEST(Utf8, ReportsACharacterCutShortByTheEnd) {
    EXPECT_EQ(decode_utf8("\xF0\x9F\x98", 0).status, Utf8Status::truncated);
    EXPECT_EQ(decode_utf8("\xF0\x9F\x98x", 0).status, Utf8Status::invalid);
}

TEST(Utf8, StreamHoldsBackAnUnfinishedCharacter) {
    std::string pending;
    pending += "a\xF0\x9F";
    EXPECT_EQ(hearth::tokenizer::take_complete_utf8(pending), "a");
    pending += "\x98\x80!";
    EXPECT_EQ(hearth::tokenizer::take_complete_utf8(pending), "\xF0\x9F\x98\x80!");
    EXPECT_TRUE(pending.empty());
}

TEST(Utf8, StreamReplacesBytesThatCanNeverBeText) {
    std::string pending = "a\xFF"
                          "b\xC3";
    EXPECT_EQ(hearth::tokenizer::take_complete_utf8(pending), "a\uFFFDb");
    EXPECT_EQ(hearth::tokenizer::take_remaining_utf8(pending), "\uFFFD");
    EXPECT_TRUE(pending.empty());
}

} // namespace
