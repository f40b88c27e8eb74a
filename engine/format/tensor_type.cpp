#include "tensor_type.h"

#include <array>
#include <limits>
#include <string>

namespace hearth::format {
namespace {

// Names of the ggml types a gpt-oss file might plausibly carry, for a readable refusal.
std::string ggml_type_name(std::uint32_t id) {
    static constexpr std::array<const char*, 40> names = {
        "F32",   "F16",        "Q4_0",       "Q4_1",       "Q4_2",     "Q4_3",     "Q5_0",
        "Q5_1",  "Q8_0",       "Q8_1",       "Q2_K",       "Q3_K",     "Q4_K",     "Q5_K",
        "Q6_K",  "Q8_K",       "IQ2_XXS",    "IQ2_XS",     "IQ3_XXS",  "IQ1_S",    "IQ4_NL",
        "IQ3_S", "IQ2_S",      "IQ4_XS",     "I8",         "I16",      "I32",      "I64",
        "F64",   "IQ1_M",      "BF16",       "Q4_0_4_4",   "Q4_0_4_8", "Q4_0_8_8", "TQ1_0",
        "TQ2_0", "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "MXFP4"};
    if (id < names.size()) return names[id];
    return "unknown type " + std::to_string(id);
}

} // namespace

std::string_view to_string(TensorType type) {
    switch (type) {
    case TensorType::f32: return "F32";
    case TensorType::f16: return "F16";
    case TensorType::bf16: return "BF16";
    case TensorType::q8_0: return "Q8_0";
    case TensorType::mxfp4: return "MXFP4";
    case TensorType::u8: return "U8";
    }
    return "?";
}

std::uint32_t block_elements(TensorType type) {
    return type == TensorType::q8_0 || type == TensorType::mxfp4 ? 32 : 1;
}

std::uint32_t block_bytes(TensorType type) {
    switch (type) {
    case TensorType::f32: return 4;
    case TensorType::f16:
    case TensorType::bf16: return 2;
    case TensorType::q8_0: return 34;
    case TensorType::mxfp4: return 17;
    case TensorType::u8: return 1;
    }
    return 0;
}

std::optional<std::uint64_t> storage_bytes(TensorType type, std::uint64_t elements) {
    const std::uint64_t per_block = block_elements(type);
    if (elements % per_block != 0) return std::nullopt;
    const std::uint64_t blocks = elements / per_block;
    if (blocks > std::numeric_limits<std::uint64_t>::max() / block_bytes(type)) return std::nullopt;
    return blocks * block_bytes(type);
}

Result<TensorType> tensor_type_from_ggml(std::uint32_t ggml_type) {
    switch (ggml_type) {
    case 0: return TensorType::f32;
    case 1: return TensorType::f16;
    case 8: return TensorType::q8_0;
    case 30: return TensorType::bf16;
    case 39: return TensorType::mxfp4;
    default:
        return fail("tensor type " + ggml_type_name(ggml_type) +
                    " is not supported (Hearth reads F32, F16, BF16, Q8_0 and MXFP4)");
    }
}

Result<TensorType> tensor_type_from_safetensors(std::string_view dtype) {
    if (dtype == "F32") return TensorType::f32;
    if (dtype == "F16") return TensorType::f16;
    if (dtype == "BF16") return TensorType::bf16;
    if (dtype == "U8") return TensorType::u8;
    return fail("tensor dtype " + std::string(dtype) +
                " is not supported (Hearth reads F32, F16, BF16 and U8)");
}

} // namespace hearth::format
