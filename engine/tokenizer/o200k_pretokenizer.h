// The o200k pre-tokenizer: splits text into the pieces that BPE encodes one at a time.
//
// Hand-written equivalent of the o200k split pattern (docs/gpt-oss-model.md section 7.2), with
// the leftmost-first, backtracking semantics of the regex engine tiktoken uses:
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//   |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//   |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// Bytes that are not valid UTF-8 count as one character each, classed like U+FFFD (a symbol), so
// they split as the replacement character would while the piece keeps the raw bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace hearth::tokenizer {

class O200kPretokenizer {
  public:
    explicit O200kPretokenizer(std::string_view text) : text_(text) {}

    // The next piece, or an empty view at the end of the text. Pieces are never empty and
    // together they cover the text exactly, in order.
    std::string_view next();

  private:
    struct Char {
        unsigned flags;
        std::size_t length;
    };
    Char char_at(std::size_t offset) const;

    std::size_t letters_ending_lower(std::size_t start) const;
    std::size_t letters_starting_upper(std::size_t start) const;
    std::size_t with_optional_prefix(std::size_t start,
                                     std::size_t (O200kPretokenizer::*letters)(std::size_t)
                                         const) const;
    std::size_t contraction_end(std::size_t offset) const;
    std::size_t digits(std::size_t start) const;
    std::size_t punctuation(std::size_t start) const;
    std::size_t whitespace(std::size_t start) const;

    std::string_view text_;
    std::size_t offset_ = 0;
};

} // namespace hearth::tokenizer
