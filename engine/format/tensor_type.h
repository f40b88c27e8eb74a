// The element types a model tensor may have, and their storage sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "hearth/error.h"

namespace hearth::format {

enum class TensorType : std::uint8_t {
    f32,
    f16,
    bf16,
    q8_0,  // ggml: blocks of 32 int8 with one f16 scale (34 bytes)
    mxfp4, // ggml: blocks of 32 E2M1 codes with one E8M0 scale byte first (17 bytes)
    u8,    // safetensors: raw bytes (MXFP4 blocks and scales of the checkpoint)
};

std::string_view to_string(TensorType type);

// Elements per block and bytes per block; plain types are blocks of one element.
std::uint32_t block_elements(TensorType type);
std::uint32_t block_bytes(TensorType type);

// Bytes of `elements` elements of `type`, or nothing if elements is not a whole number of blocks
// or the size overflows.
std::optional<std::uint64_t> storage_bytes(TensorType type, std::uint64_t elements);

// GGML type ids (ggml.h): 0 F32, 1 F16, 8 Q8_0, 30 BF16, 39 MXFP4. Others are refused by name.
Result<TensorType> tensor_type_from_ggml(std::uint32_t ggml_type);
// Safetensors dtype strings: F32, F16, BF16, U8. Others are refused by name.
Result<TensorType> tensor_type_from_safetensors(std::string_view dtype);

} // namespace hearth::format
