// Kernels over one stored weight row, read in place from the mapped file: the dot product with a
// float vector (decode: one token), and decoding into floats (prefill: one decoded row is reused
// for every token of the batch while it sits in L1). AVX2/FMA versions are chosen at run time
// when the CPU has them; the portable versions are the reference for them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/weights.h"

namespace hearth::cpu {

enum class RowFormat { f32, f16, bf16, q8_0, mxfp4_gguf, mxfp4_checkpoint };

RowFormat row_format(const model::WeightRef& w);

struct RowView {
    const std::byte* data;
    const std::byte* scales; // MXFP4 in the checkpoint layout only
};

// Where row `row` of stack entry `stack` of a weight lives; the strides are worked out once per
// weight, not per row.
class RowLocator {
  public:
    RowLocator() = default;
    explicit RowLocator(const model::WeightRef& w);
    RowView operator()(std::uint64_t stack, std::uint64_t row) const {
        const std::uint64_t index = stack * rows_ + row;
        return {data_ + index * row_bytes_, scales_ ? scales_ + index * scale_bytes_ : nullptr};
    }

  private:
    const std::byte* data_ = nullptr;
    const std::byte* scales_ = nullptr;
    std::uint64_t rows_ = 0, row_bytes_ = 0, scale_bytes_ = 0;
};

struct RowKernels {
    float (*dot)(RowView row, const float* x, std::size_t n);
    void (*decode)(RowView row, float* out, std::size_t n);
};

// The fastest kernels this CPU supports for `format`.
const RowKernels& row_kernels(RowFormat format);
// The portable kernels, whatever the CPU (for tests of the SIMD ones).
const RowKernels& portable_row_kernels(RowFormat format);

// n-element f32 dot product, SIMD when available.
float dot_f32(const float* a, const float* b, std::size_t n);
// Four rows against three vectors at once (batched prefill): out[t][r] = rows[r] . x[t]. Twelve
// independent sums keep both FMA pipes busy, and each load feeds three or four of them.
void dot4x3_f32(const float* const rows[4], const float* const x[3], std::size_t n,
                float out[3][4]);

} // namespace hearth::cpu
