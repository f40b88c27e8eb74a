// One tensor of a model file, as either reader (GGUF or safetensors) describes it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tensor_type.h"

namespace hearth::format {

struct TensorInfo {
    std::string name;
    TensorType type;
    // Contiguous dimension first (ggml order). Safetensors' row-major [out, in] becomes {in, out}.
    std::vector<std::uint64_t> shape;
    std::uint64_t element_count = 0;
    std::span<const std::byte> data; // inside the mapped file, bounds already checked
};

} // namespace hearth::format
