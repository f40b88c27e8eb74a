// Expected pieces follow from the split pattern's alternatives, taken leftmost-first
// (docs/gpt-oss-model.md section 7.2).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokenizer/o200k_pretokenizer.h"

namespace {

std::vector<std::string> pieces_of(std::string_view text) {
    std::vector<std::string> pieces;
    hearth::tokenizer::O200kPretokenizer pretokenizer(text);
    for (auto piece = pretokenizer.next(); !piece.empty(); piece = pretokenizer.next()) {
        pieces.emplace_back(piece);
    }
    return pieces;
}

using Pieces = std::vector<std::string>;

TEST(O200kPretokenizer, WordsKeepTheirLeadingSpace) {
    EXPECT_EQ(pieces_of("Hello world"), (Pieces{"Hello", " world"}));
}

TEST(O200kPretokenizer, AllButTheLastSpaceOfARunStandAlone) {
    EXPECT_EQ(pieces_of("a   b"), (Pieces{"a", "  ", " b"}));
    EXPECT_EQ(pieces_of("  hello"), (Pieces{" ", " hello"}));
}

TEST(O200kPretokenizer, TrailingWhitespaceIsOnePiece) {
    EXPECT_EQ(pieces_of("x   "), (Pieces{"x", "   "}));
}

TEST(O200kPretokenizer, WhitespaceEndsAtItsLastLineBreak) {
    EXPECT_EQ(pieces_of("\n\n  hello"), (Pieces{"\n\n", " ", " hello"}));
    EXPECT_EQ(pieces_of("a\r\n\r\nb"), (Pieces{"a", "\r\n\r\n", "b"}));
    EXPECT_EQ(pieces_of("a \t\n  \n b"), (Pieces{"a", " \t\n  \n", " b"}));
}

TEST(O200kPretokenizer, ContractionsAttachInAnyCase) {
    EXPECT_EQ(pieces_of("it's IT'S we'LL you'Re"), (Pieces{"it's", " IT'S", " we'LL", " you'Re"}));
    EXPECT_EQ(pieces_of("it'\u017F"), (Pieces{"it'\u017F"})); // long s folds to s
    EXPECT_EQ(pieces_of("it'x"), (Pieces{"it", "'x"}));
}

TEST(O200kPretokenizer, UpperCaseRunsJoinTheLowerCaseTail) {
    EXPECT_EQ(pieces_of("HTTPServer camelCase ALLCAPS"),
              (Pieces{"HTTPServer", " camel", "Case", " ALLCAPS"}));
}

TEST(O200kPretokenizer, NumbersSplitIntoRunsOfAtMostThree) {
    EXPECT_EQ(pieces_of("1234567"), (Pieces{"123", "456", "7"}));
    EXPECT_EQ(pieces_of("x 42"), (Pieces{"x", " ", "42"}));
    EXPECT_EQ(pieces_of("\u0663\u0664\u0665\u0666"), (Pieces{"\u0663\u0664\u0665", "\u0666"}));
}

TEST(O200kPretokenizer, PunctuationTakesOneSpaceAndTrailingLineBreaksAndSlashes) {
    EXPECT_EQ(pieces_of("hello!!!\n\nx"), (Pieces{"hello", "!!!\n\n", "x"}));
    EXPECT_EQ(pieces_of("a ?"), (Pieces{"a", " ?"}));
    EXPECT_EQ(pieces_of("//comment"), (Pieces{"//", "comment"}));
}

TEST(O200kPretokenizer, OneNonLetterMayLeadAWord) {
    EXPECT_EQ(pieces_of("\tword"), (Pieces{"\tword"}));
    EXPECT_EQ(pieces_of("(word)"), (Pieces{"(word", ")"}));
    EXPECT_EQ(pieces_of("\uFEFFhello"), (Pieces{"\uFEFFhello"})); // U+FEFF is not whitespace
}

TEST(O200kPretokenizer, MarksBelongToWords) {
    EXPECT_EQ(pieces_of("\u0301abc"), (Pieces{"\u0301abc"}));
    EXPECT_EQ(pieces_of("e\u0301t\u00E9"), (Pieces{"e\u0301t\u00E9"}));
    EXPECT_EQ(pieces_of("\u0928\u092E\u0938\u094D\u0924\u0947"), (Pieces{"नमस्ते"}));
}

TEST(O200kPretokenizer, InvalidBytesSplitLikeTheReplacementCharacter) {
    // U+FFFD is a symbol: it may lead a word, and joins punctuation runs.
    EXPECT_EQ(pieces_of("a\xff"
                        "b"),
              (Pieces{"a", "\xff"
                           "b"}));
    EXPECT_EQ(pieces_of("a \xff\xfe!"), (Pieces{"a", " \xff\xfe!"}));
    EXPECT_EQ(pieces_of(" \xc3"), (Pieces{" \xc3"})); // a cut-off character at the end
}

TEST(O200kPretokenizer, PiecesCoverTheTextExactly) {
    const std::string text =
        "Mixed: 한국어 text, 123456 numbers\r\n\t  and 😀 emoji!! \xff\x80 end  ";
    std::string joined;
    for (const auto& piece : pieces_of(text)) {
        EXPECT_FALSE(piece.empty());
        joined += piece;
    }
    EXPECT_EQ(joined, text);
}

} // namespace
