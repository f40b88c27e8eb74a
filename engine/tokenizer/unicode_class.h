// Unicode character classes of the o200k pre-tokenizer pattern, answered by ICU.
#pragma once

namespace hearth::tokenizer {

// The general-category groups the pattern distinguishes. Lm, Lo and marks belong to both the
// "upper" and the "lower" letter sets of the pattern, so they get their own values.
enum class CharClass {
    upper_letter,    // Lu, Lt
    lower_letter,    // Ll
    modifier_letter, // Lm
    other_letter,    // Lo (Hangul, CJK, ...)
    mark,            // Mn, Mc, Me
    number,          // Nd, Nl, No
    other,           // punctuation, symbols (emoji), separators, controls, unassigned
};

CharClass classify(char32_t code_point);

bool is_letter(CharClass c);

// Unicode White_Space, the meaning of \s in the pattern (U+FEFF is not whitespace).
bool is_whitespace(char32_t code_point);

} // namespace hearth::tokenizer
