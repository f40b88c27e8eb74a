#include "o200k_pretokenizer.h"

#include <array>

#include "unicode_class.h"
#include "utf8.h"

namespace hearth::tokenizer {
namespace {

constexpr std::size_t no_match = 0;

// The character sets of the pattern, as bits.
enum : unsigned {
    upper_set = 1u << 0,  // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    lower_set = 1u << 1,  // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
    letter = 1u << 2,     // \p{L}
    number = 1u << 3,     // \p{N}
    space = 1u << 4,      // \s (Unicode White_Space)
    line_break = 1u << 5, // [\r\n]
};

unsigned flags_of(char32_t code_point) {
    unsigned flags = 0;
    switch (classify(code_point)) {
    case CharClass::upper_letter: flags = upper_set | letter; break;
    case CharClass::lower_letter: flags = lower_set | letter; break;
    case CharClass::modifier_letter:
    case CharClass::other_letter: flags = upper_set | lower_set | letter; break;
    case CharClass::mark: flags = upper_set | lower_set; break;
    case CharClass::number: flags = number; break;
    case CharClass::other: break;
    }
    if (is_whitespace(code_point)) flags |= space;
    if (code_point == U'\r' || code_point == U'\n') flags |= line_break;
    return flags;
}

const std::array<unsigned char, 128> ascii_flags = [] {
    std::array<unsigned char, 128> table{};
    for (char32_t c = 0; c < 128; ++c)
        table[c] = static_cast<unsigned char>(flags_of(c));
    return table;
}();

// [^\r\n\p{L}\p{N}]: the optional character in front of a word.
bool is_prefix(unsigned flags) { return (flags & (letter | number | line_break)) == 0; }

// [^\s\p{L}\p{N}]: punctuation, symbols, marks, invalid bytes.
bool is_punctuation(unsigned flags) { return (flags & (space | letter | number)) == 0; }

bool equals_ignoring_ascii_case(std::string_view text, std::string_view lower) {
    if (text.size() < lower.size()) return false;
    for (std::size_t i = 0; i < lower.size(); ++i) {
        if ((text[i] | 0x20) != lower[i]) return false;
    }
    return true;
}

} // namespace

O200kPretokenizer::Char O200kPretokenizer::char_at(std::size_t offset) const {
    const auto byte = static_cast<unsigned char>(text_[offset]);
    if (byte < 0x80) return {ascii_flags[byte], 1};
    const DecodedCodePoint decoded = decode_utf8(text_, offset);
    // An invalid byte gets the flags of U+FFFD, the character a str-based tokenizer would see.
    return {flags_of(decoded.code_point), decoded.length};
}

// [upper_set]*[lower_set]+ from `start`: the end, or no_match. Greedy with backtracking means the
// upper run takes as much as it can and gives back characters only until a lower_set character
// can follow, so one forward scan remembering the last lower_set character in the run suffices.
std::size_t O200kPretokenizer::letters_ending_lower(std::size_t start) const {
    std::size_t offset = start;
    std::size_t after_last_lower = no_match;
    while (offset < text_.size()) {
        const Char c = char_at(offset);
        if (!(c.flags & upper_set)) break;
        offset += c.length;
        if (c.flags & lower_set) after_last_lower = offset;
    }
    if (offset < text_.size() && (char_at(offset).flags & lower_set)) {
        while (offset < text_.size()) {
            const Char c = char_at(offset);
            if (!(c.flags & lower_set)) break;
            offset += c.length;
        }
        return offset;
    }
    return after_last_lower;
}

// [upper_set]+[lower_set]* from `start`: the end, or no_match.
std::size_t O200kPretokenizer::letters_starting_upper(std::size_t start) const {
    std::size_t offset = start;
    while (offset < text_.size()) {
        const Char c = char_at(offset);
        if (!(c.flags & upper_set)) break;
        offset += c.length;
    }
    if (offset == start) return no_match;
    while (offset < text_.size()) {
        const Char c = char_at(offset);
        if (!(c.flags & lower_set)) break;
        offset += c.length;
    }
    return offset;
}

// [^\r\n\p{L}\p{N}]? LETTERS (?i:'s|'t|'re|'ve|'m|'ll|'d)?  The optional prefix is greedy: the
// match with it is tried first, then without it (which matters when the prefix is a mark).
std::size_t O200kPretokenizer::with_optional_prefix(
    std::size_t start, std::size_t (O200kPretokenizer::*letters)(std::size_t) const) const {
    const Char first = char_at(start);
    std::size_t end = no_match;
    if (is_prefix(first.flags)) end = (this->*letters)(start + first.length);
    if (end == no_match) end = (this->*letters)(start);
    if (end == no_match) return no_match;
    return contraction_end(end);
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)? at `offset`. Unicode case folding makes U+017F (long s) match
// "s" as well.
std::size_t O200kPretokenizer::contraction_end(std::size_t offset) const {
    if (offset >= text_.size() || text_[offset] != '\'') return offset;
    const std::string_view rest = text_.substr(offset + 1);
    for (const std::string_view suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
        if (equals_ignoring_ascii_case(rest, suffix)) return offset + 1 + suffix.size();
    }
    if (rest.starts_with("\u017F")) return offset + 1 + std::string_view("\u017F").size();
    return offset;
}

// \p{N}{1,3}
std::size_t O200kPretokenizer::digits(std::size_t start) const {
    std::size_t offset = start;
    for (int count = 0; count < 3 && offset < text_.size(); ++count) {
        const Char c = char_at(offset);
        if (!(c.flags & number)) break;
        offset += c.length;
    }
    return offset == start ? no_match : offset;
}

// " ?[^\s\p{L}\p{N}]+[\r\n/]*"
std::size_t O200kPretokenizer::punctuation(std::size_t start) const {
    std::size_t offset = start;
    if (text_[offset] == ' ' && offset + 1 < text_.size() &&
        is_punctuation(char_at(offset + 1).flags)) {
        ++offset;
    }
    const std::size_t run_start = offset;
    while (offset < text_.size()) {
        const Char c = char_at(offset);
        if (!is_punctuation(c.flags)) break;
        offset += c.length;
    }
    if (offset == run_start) return no_match;
    while (offset < text_.size() &&
           (text_[offset] == '\r' || text_[offset] == '\n' || text_[offset] == '/')) {
        ++offset;
    }
    return offset;
}

// "\s*[\r\n]+|\s+(?!\S)|\s+" over the whitespace run at `start`.
std::size_t O200kPretokenizer::whitespace(std::size_t start) const {
    std::size_t offset = start;
    std::size_t last_char_start = start;
    std::size_t after_last_line_break = no_match;
    while (offset < text_.size()) {
        const Char c = char_at(offset);
        if (!(c.flags & space)) break;
        last_char_start = offset;
        offset += c.length;
        if (c.flags & line_break) after_last_line_break = offset;
    }
    if (offset == start) return no_match;
    // \s*[\r\n]+ backtracks to the last line break in the run.
    if (after_last_line_break != no_match) return after_last_line_break;
    // \s+(?!\S) leaves the last space for the word that follows; \s+ takes a lone one.
    if (offset < text_.size() && last_char_start > start) return last_char_start;
    return offset;
}

std::string_view O200kPretokenizer::next() {
    if (offset_ >= text_.size()) return {};
    const std::size_t start = offset_;
    std::size_t end = with_optional_prefix(start, &O200kPretokenizer::letters_ending_lower);
    if (end == no_match)
        end = with_optional_prefix(start, &O200kPretokenizer::letters_starting_upper);
    if (end == no_match) end = digits(start);
    if (end == no_match) end = punctuation(start);
    if (end == no_match) end = whitespace(start);
    // Every character starts one of the alternatives above; this only guards the loop.
    if (end == no_match) end = start + char_at(start).length;
    offset_ = end;
    return text_.substr(start, end - start);
}

} // namespace hearth::tokenizer
