// MXFP4: blocks of 32 four-bit E2M1 codes sharing one E8M0 scale byte. Two packings exist:
//   checkpoint ("linear pairs", OpenAI/HF): 16 code bytes, element 2j in the low nibble of byte j
//              and 2j+1 in the high nibble; scales stored in a separate array.
//   GGUF ("split halves", ggml type 39): 17 bytes, the scale byte first, then element j in the
//              low nibble of byte j and element j+16 in the high nibble.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace hearth::model::mxfp4 {

inline constexpr std::size_t block_elements = 32;
inline constexpr std::size_t code_bytes = 16;
inline constexpr std::size_t gguf_block_bytes = 17;

// E2M1 code (0..15) to its value: +-{0, 0.5, 1, 1.5, 2, 3, 4, 6}.
float code_value(std::uint8_t code);
// E8M0 scale byte to 2^(e-127).
float scale_value(std::uint8_t e);

void decode_checkpoint_block(std::span<const std::byte, code_bytes> codes, std::uint8_t scale,
                             std::span<float, block_elements> out);
void decode_gguf_block(std::span<const std::byte, gguf_block_bytes> block,
                       std::span<float, block_elements> out);

// The 32 codes of a block in element order, from either packing.
std::array<std::uint8_t, block_elements>
codes_from_checkpoint(std::span<const std::byte, code_bytes> codes);
// Repacks a checkpoint block (codes + scale) as a GGUF block; used to load HF weights into the
// GGUF layout the kernels read, and by the fixture writer.
std::array<std::byte, gguf_block_bytes>
checkpoint_to_gguf(std::span<const std::byte, code_bytes> codes, std::uint8_t scale);

} // namespace hearth::model::mxfp4
