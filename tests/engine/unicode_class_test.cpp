#include <gtest/gtest.h>

#include "tokenizer/unicode_class.h"

namespace {

using hearth::tokenizer::CharClass;
using hearth::tokenizer::classify;
using hearth::tokenizer::is_whitespace;

// Expected classes are the Unicode general categories from UnicodeData.txt.
TEST(UnicodeClass, HangulSyllablesAndCjkAreOtherLetters) {
    EXPECT_EQ(classify(U'\uD55C'), CharClass::other_letter); // 한 HANGUL SYLLABLE HAN, Lo
    EXPECT_EQ(classify(U'\uAE00'), CharClass::other_letter); // 글 HANGUL SYLLABLE GEUL, Lo
    EXPECT_EQ(classify(U'\u4E2D'), CharClass::other_letter); // 中, Lo
}

TEST(UnicodeClass, EmojiAreSymbolsNotLetters) {
    EXPECT_EQ(classify(U'\U0001F600'), CharClass::other); // 😀 GRINNING FACE, So
    EXPECT_EQ(classify(U'\U0001F525'), CharClass::other); // 🔥 FIRE, So
    EXPECT_EQ(classify(U'\u200D'), CharClass::other);     // ZERO WIDTH JOINER, Cf
    EXPECT_FALSE(hearth::tokenizer::is_letter(classify(U'\U0001F600')));
}

TEST(UnicodeClass, CaseAndMarksFollowTheGeneralCategory) {
    EXPECT_EQ(classify(U'A'), CharClass::upper_letter);
    EXPECT_EQ(classify(U'\u01C5'), CharClass::upper_letter);    // ǅ, Lt (titlecase)
    EXPECT_EQ(classify(U'\u00E9'), CharClass::lower_letter);    // é, Ll
    EXPECT_EQ(classify(U'\u02B0'), CharClass::modifier_letter); // ʰ, Lm
    EXPECT_EQ(classify(U'\u0301'), CharClass::mark);            // combining acute, Mn
    EXPECT_EQ(classify(U'\u0903'), CharClass::mark);            // Devanagari visarga, Mc
}

TEST(UnicodeClass, NumbersIncludeOtherScriptsAndFractions) {
    EXPECT_EQ(classify(U'7'), CharClass::number);
    EXPECT_EQ(classify(U'\u0663'), CharClass::number); // ٣ ARABIC-INDIC DIGIT THREE, Nd
    EXPECT_EQ(classify(U'\u2167'), CharClass::number); // Ⅷ ROMAN NUMERAL EIGHT, Nl
    EXPECT_EQ(classify(U'\u00BD'), CharClass::number); // ½, No
}

TEST(UnicodeClass, WhitespaceIsTheUnicodeWhiteSpaceProperty) {
    EXPECT_TRUE(is_whitespace(U' '));
    EXPECT_TRUE(is_whitespace(U'\n'));
    EXPECT_TRUE(is_whitespace(U'\u00A0'));  // NO-BREAK SPACE
    EXPECT_TRUE(is_whitespace(U'\u3000'));  // IDEOGRAPHIC SPACE
    EXPECT_FALSE(is_whitespace(U'\uFEFF')); // BOM is not White_Space (unlike JavaScript's \s)
    EXPECT_FALSE(is_whitespace(U'\u200B')); // ZERO WIDTH SPACE is not White_Space either
    EXPECT_FALSE(is_whitespace(U'a'));
}

} // namespace
