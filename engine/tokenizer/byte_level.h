// GPT-2's byte-level alphabet: how Hugging Face and GGUF vocabularies spell raw bytes as text.
// Every byte maps to one printable code point (printable ASCII and Latin-1 map to themselves, the
// rest to U+0100 onwards), so "Ġ" (U+0120) is a space.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hearth::tokenizer {

// The raw bytes a byte-level token string stands for, or nothing when it contains a code point
// outside the alphabet (or is not valid UTF-8).
std::optional<std::string> byte_level_decode(std::string_view token_text);

// The byte-level spelling of raw bytes (the inverse of byte_level_decode).
std::string byte_level_encode(std::string_view bytes);

} // namespace hearth::tokenizer
