// Turning stored weights into floats, row by row. Exact for every stored type (bf16, f16, Q8_0
// and MXFP4 values are all representable in f32). The reference for every backend's own decode.
#pragma once

#include <span>
#include <vector>

#include "weights.h"

namespace hearth::model {

// out.size() must equal w.cols; stack < w.stack and row < w.rows (checked by the loader).
void decode_row(const WeightRef& w, std::uint64_t stack, std::uint64_t row, std::span<float> out);

// Every value of the weight, stack by stack, row by row.
std::vector<float> decode_all(const WeightRef& w);

// Logical row j of a projection for stack entry `stack`, and its bias element.
void decode_projection_row(const Projection& p, std::uint64_t stack, std::uint64_t j,
                           std::span<float> out);
float decode_projection_bias(const Projection& p, std::uint64_t stack, std::uint64_t j);

} // namespace hearth::model
