// UTF-8 decoding that never fails: invalid bytes are reported, not thrown, so callers can keep the
// raw bytes (the tokenizer) or replace them (text shown to people).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::tokenizer {

enum class Utf8Status : std::uint8_t {
    valid,     // a whole, well-formed code point
    invalid,   // the first byte cannot start a code point here; skip exactly one byte
    truncated, // a well-formed prefix that the end of the input cuts short
};

struct DecodedCodePoint {
    char32_t code_point;  // U+FFFD unless status is valid
    std::uint32_t length; // bytes consumed: the sequence length, or 1 when invalid/truncated
    Utf8Status status;
};

// Decodes the code point at `text[offset]` (offset < text.size()). Rejects overlong forms,
// surrogates and values above U+10FFFF, as the Unicode standard requires.
DecodedCodePoint decode_utf8(std::string_view text, std::size_t offset);

void append_utf8(std::string& out, char32_t code_point);

// For a byte stream cut at arbitrary points (token by token): moves the complete characters at
// the front of `pending` into the returned text, leaving an unfinished character in `pending`.
// Bytes that can never form a character become U+FFFD, so the result is always valid UTF-8.
std::string take_complete_utf8(std::string& pending);

// The end of such a stream: an unfinished character left in `pending` becomes U+FFFD.
std::string take_remaining_utf8(std::string& pending);

} // namespace hearth::tokenizer
