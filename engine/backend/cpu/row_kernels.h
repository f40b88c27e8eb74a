// Kernels over one stored weight row, read in place from the mapped file: the dot product with a
// float vector (decode: one token), and decoding into floats (prefill: one decoded row is reused
// for every token of the batch while it sits in L1). SIMD tiers (AVX2/FMA; AVX-512) are
// chosen at run time when the CPU has them; the portable kernels are the reference for them.
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

// The input of one matrix-vector product: the floats and, for kernels that read them rearranged,
// the same values prepared once per product by RowKernels::prepare (null otherwise).
struct DotInput {
    const float* x;
    const float* prepared;
};

struct RowKernels {
    float (*dot)(RowView row, DotInput x, std::size_t n);
    void (*decode)(RowView row, float* out, std::size_t n);
    // Set when dot reads DotInput::prepared: writes x[0..n) rearranged to out[0..n).
    void (*prepare)(const float* x, std::size_t n, float* out);
};

// Instruction-set tiers, slowest first.
enum class KernelTier { portable, avx2, avx512 };
inline constexpr KernelTier all_kernel_tiers[] = {KernelTier::portable, KernelTier::avx2,
                                                  KernelTier::avx512};
const char* kernel_tier_name(KernelTier tier);
bool cpu_supports(KernelTier tier);
// The tier row_kernels() uses: the best this CPU supports, or a lower one chosen with
// use_kernel_tier (to compare tiers in one benchmark run).
KernelTier active_kernel_tier();
// Returns false, and changes nothing, when this CPU lacks `tier`.
bool use_kernel_tier(KernelTier tier);

// The active tier's kernels for `format`.
const RowKernels& row_kernels(RowFormat format);
// One tier's kernels (the tier must be supported; for tests of each tier).
const RowKernels& row_kernels(RowFormat format, KernelTier tier);

// n-element f32 dot product, SIMD when available.
float dot_f32(const float* a, const float* b, std::size_t n);
// Batched prefill: four decoded rows against up to max_tile_tokens token vectors at once,
// out[t * 4 + r] = rows[r] . x[t] for t < tokens. The many independent sums keep the FMA pipes
// busy, and each load feeds several of them. The active tier's kernel, as row_kernels().
inline constexpr std::size_t max_tile_tokens = 6;
void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out);
// One tier's (for tests of each tier).
void dot_rows_tile(KernelTier tier, const float* const rows[4], const float* const x[],
                   std::size_t tokens, std::size_t n, float* out);

// scores[i] = e^(scores[i] - max_score) for i < n, where no score exceeds max_score; returns their
// sum (a softmax's numerators and denominator).
float exponentiate_scores(float* scores, std::size_t n, float max_score);
// One tier's (for tests of each tier).
float exponentiate_scores(KernelTier tier, float* scores, std::size_t n, float max_score);
// out[0..n) += sum over u < count of weights[u] * rows[u * stride .. u * stride + n): attention's
// weighted sum of values, the n sums held in registers while the rows stream past.
void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out);
// One tier's (for tests of each tier).
void add_weighted_rows(KernelTier tier, const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out);

} // namespace hearth::cpu
