#include "byte_level.h"

#include <array>

#include "utf8.h"

namespace hearth::tokenizer {
namespace {

bool maps_to_itself(unsigned byte) {
    return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE;
}

// Byte -> code point. Bytes that are not printable get U+0100 + n, n counting them in order.
const std::array<char32_t, 256> code_point_of_byte = [] {
    std::array<char32_t, 256> table{};
    char32_t next_extra = 0x100;
    for (unsigned byte = 0; byte < 256; ++byte) {
        table[byte] = maps_to_itself(byte) ? byte : next_extra++;
    }
    return table;
}();

// Code point (all below U+0144) -> byte, or -1.
const std::array<int, 0x144> byte_of_code_point = [] {
    std::array<int, 0x144> table{};
    table.fill(-1);
    for (unsigned byte = 0; byte < 256; ++byte) {
        table[code_point_of_byte[byte]] = static_cast<int>(byte);
    }
    return table;
}();

} // namespace

std::optional<std::string> byte_level_decode(std::string_view token_text) {
    std::string bytes;
    bytes.reserve(token_text.size());
    for (std::size_t offset = 0; offset < token_text.size();) {
        const DecodedCodePoint decoded = decode_utf8(token_text, offset);
        if (decoded.status != Utf8Status::valid ||
            decoded.code_point >= byte_of_code_point.size() ||
            byte_of_code_point[decoded.code_point] < 0) {
            return std::nullopt;
        }
        bytes += static_cast<char>(byte_of_code_point[decoded.code_point]);
        offset += decoded.length;
    }
    return bytes;
}

std::string byte_level_encode(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char byte : bytes) {
        append_utf8(text, code_point_of_byte[static_cast<unsigned char>(byte)]);
    }
    return text;
}

} // namespace hearth::tokenizer
