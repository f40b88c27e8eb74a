#include "mxfp4.h"

#include <cmath>

namespace hearth::model::mxfp4 {
namespace {

constexpr float values[16] = {+0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
                              -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};

std::uint8_t low(std::byte b) { return static_cast<std::uint8_t>(b) & 0x0F; }
std::uint8_t high(std::byte b) { return static_cast<std::uint8_t>(b) >> 4; }

} // namespace

float code_value(std::uint8_t code) { return values[code & 0x0F]; }

float scale_value(std::uint8_t e) { return std::ldexp(1.0f, static_cast<int>(e) - 127); }

std::array<std::uint8_t, block_elements>
codes_from_checkpoint(std::span<const std::byte, code_bytes> codes) {
    std::array<std::uint8_t, block_elements> out{};
    for (std::size_t j = 0; j < code_bytes; ++j) {
        out[2 * j] = low(codes[j]);
        out[2 * j + 1] = high(codes[j]);
    }
    return out;
}

void decode_checkpoint_block(std::span<const std::byte, code_bytes> codes, std::uint8_t scale,
                             std::span<float, block_elements> out) {
    const float d = scale_value(scale);
    const auto c = codes_from_checkpoint(codes);
    for (std::size_t i = 0; i < block_elements; ++i)
        out[i] = code_value(c[i]) * d;
}

void decode_gguf_block(std::span<const std::byte, gguf_block_bytes> block,
                       std::span<float, block_elements> out) {
    const float d = scale_value(static_cast<std::uint8_t>(block[0]));
    for (std::size_t j = 0; j < code_bytes; ++j) {
        out[j] = code_value(low(block[1 + j])) * d;
        out[j + 16] = code_value(high(block[1 + j])) * d;
    }
}

std::array<std::byte, gguf_block_bytes>
checkpoint_to_gguf(std::span<const std::byte, code_bytes> codes, std::uint8_t scale) {
    const auto c = codes_from_checkpoint(codes);
    std::array<std::byte, gguf_block_bytes> block{};
    block[0] = static_cast<std::byte>(scale);
    for (std::size_t j = 0; j < code_bytes; ++j) {
        block[1 + j] = static_cast<std::byte>(c[j] | (c[j + 16] << 4));
    }
    return block;
}

} // namespace hearth::model::mxfp4
