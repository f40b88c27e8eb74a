#include "unicode_class.h"

#include <unicode/uchar.h>

namespace hearth::tokenizer {

CharClass classify(char32_t code_point) {
    switch (u_charType(static_cast<UChar32>(code_point))) {
    case U_UPPERCASE_LETTER:
    case U_TITLECASE_LETTER: return CharClass::upper_letter;
    case U_LOWERCASE_LETTER: return CharClass::lower_letter;
    case U_MODIFIER_LETTER: return CharClass::modifier_letter;
    case U_OTHER_LETTER: return CharClass::other_letter;
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_ENCLOSING_MARK: return CharClass::mark;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER: return CharClass::number;
    default: return CharClass::other;
    }
}

bool is_letter(CharClass c) {
    return c == CharClass::upper_letter || c == CharClass::lower_letter ||
           c == CharClass::modifier_letter || c == CharClass::other_letter;
}

bool is_whitespace(char32_t code_point) {
    return u_isUWhiteSpace(static_cast<UChar32>(code_point));
}

} // namespace hearth::tokenizer
