#include "utf8.h"

namespace hearth::tokenizer {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The range the second byte must fall in, which rules out overlong forms, surrogates and
// values above U+10FFFF (Unicode 15, table 3-7).
struct LeadByte {
    std::uint32_t length;
    unsigned char second_min;
    unsigned char second_max;
};

LeadByte lead_byte(unsigned char byte) {
    if (byte >= 0xC2 && byte <= 0xDF) return {2, 0x80, 0xBF};
    if (byte == 0xE0) return {3, 0xA0, 0xBF};
    if (byte == 0xED) return {3, 0x80, 0x9F};
    if (byte >= 0xE1 && byte <= 0xEF) return {3, 0x80, 0xBF};
    if (byte == 0xF0) return {4, 0x90, 0xBF};
    if (byte >= 0xF1 && byte <= 0xF3) return {4, 0x80, 0xBF};
    if (byte == 0xF4) return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

} // namespace

DecodedCodePoint decode_utf8(std::string_view text, std::size_t offset) {
    const auto first = static_cast<unsigned char>(text[offset]);
    if (first < 0x80) return {first, 1, Utf8Status::valid};
    const LeadByte lead = lead_byte(first);
    if (lead.length == 0) return {replacement_character, 1, Utf8Status::invalid};

    char32_t code_point = first & (0xFFu >> (lead.length + 1));
    for (std::uint32_t i = 1; i < lead.length; ++i) {
        if (offset + i >= text.size()) return {replacement_character, 1, Utf8Status::truncated};
        const auto byte = static_cast<unsigned char>(text[offset + i]);
        const bool in_range =
            i == 1 ? byte >= lead.second_min && byte <= lead.second_max : is_continuation(byte);
        if (!in_range) return {replacement_character, 1, Utf8Status::invalid};
        code_point = (code_point << 6) | (byte & 0x3Fu);
    }
    return {code_point, lead.length, Utf8Status::valid};
}

void append_utf8(std::string& out, char32_t code_point) {
    const auto byte = [](char32_t value) { return static_cast<char>(value); };
    if (code_point < 0x80) {
        out += byte(code_point);
    } else if (code_point < 0x800) {
        out += byte(0xC0 | (code_point >> 6));
        out += byte(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += byte(0xE0 | (code_point >> 12));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    } else {
        out += byte(0xF0 | (code_point >> 18));
        out += byte(0x80 | ((code_point >> 12) & 0x3F));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    }
}

std::string take_complete_utf8(std::string& pending) {
    std::string out;
    std::size_t offset = 0;
    while (offset < pending.size()) {
        const DecodedCodePoint decoded = decode_utf8(pending, offset);
        if (decoded.status == Utf8Status::truncated) break;
        if (decoded.status == Utf8Status::invalid) {
            append_utf8(out, replacement_character);
        } else {
            out.append(pending, offset, decoded.length);
        }
        offset += decoded.length;
    }
    pending.erase(0, offset);
    return out;
}

std::string take_remaining_utf8(std::string& pending) {
    std::string out = take_complete_utf8(pending);
    // What is left is a well-formed start that never got its continuation bytes.
    if (!pending.empty()) append_utf8(out, replacement_character);
    pending.clear();
    return out;
}

} // namespace hearth::tokenizer
