#include "row_kernels.h"

#include <array>
#include <atomic>
#include <cmath>

#include "float_mode.h"
#include "format/tensor_type.h"
#include "row_kernels_impl.h"

namespace hearth::cpu {
namespace {

using format::TensorType;

std::size_t format_index(RowFormat f) { return static_cast<std::size_t>(f); }

// Adapts a kernel that reads the plain floats to the RowKernels signature.
template <float (*Dot)(RowView, const float*, std::size_t)>
float reads_floats(RowView row, DotInput x, std::size_t n) {
    return Dot(row, x.x, n);
}

const RowKernels portable_kernels[] = {
    {reads_floats<portable::dot_row_f32>, portable::decode_f32, nullptr},
    {reads_floats<portable::dot_f16>, portable::decode_f16, nullptr},
    {reads_floats<portable::dot_bf16>, portable::decode_bf16, nullptr},
    {reads_floats<portable::dot_q8_0>, portable::decode_q8_0, nullptr},
    {reads_floats<portable::dot_mxfp4_gguf>, portable::decode_mxfp4_gguf, nullptr},
    {reads_floats<portable::dot_mxfp4_checkpoint>, portable::decode_mxfp4_checkpoint, nullptr},
};

const RowKernels avx2_kernels[] = {
    {reads_floats<avx2::dot_row_f32>, portable::decode_f32, nullptr},
    {reads_floats<portable::dot_f16>, portable::decode_f16, nullptr},
    {reads_floats<avx2::dot_bf16>, portable::decode_bf16, nullptr},
    {reads_floats<avx2::dot_q8_0>, avx2::decode_q8_0, nullptr},
    {reads_floats<avx2::dot_mxfp4_gguf>, avx2::decode_mxfp4_gguf, nullptr},
    {reads_floats<avx2::dot_mxfp4_checkpoint>, avx2::decode_mxfp4_checkpoint, nullptr},
};

// Only the MXFP4 and Q8_0 dots and the MXFP4 decode change. Those dots are compute-bound, and so
// is prefill's MXFP4 decode when routing spreads a batch over many experts (a 64-token batch gives
// each of 32 experts about 8 tokens to share a decoded row). Q8_0 rows serve the whole batch.
const RowKernels avx512_kernels[] = {
    avx2_kernels[0],
    avx2_kernels[1],
    avx2_kernels[2],
    {reads_floats<avx512::dot_q8_0>, avx2::decode_q8_0, nullptr},
    {avx512::dot_mxfp4_gguf, avx512::decode_mxfp4_gguf, nullptr},
    {avx512::dot_mxfp4_checkpoint, avx512::decode_mxfp4_checkpoint,
     avx512::prepare_evens_then_odds},
};

const RowKernels* tier_table(KernelTier tier) {
    switch (tier) {
    case KernelTier::portable: return portable_kernels;
    case KernelTier::avx2: return avx2_kernels;
    case KernelTier::avx512: return avx512_kernels;
    }
    return portable_kernels;
}

KernelTier best_supported_tier() {
    KernelTier best = KernelTier::portable;
    for (KernelTier tier : all_kernel_tiers) { // slowest first
        if (cpu_supports(tier)) best = tier;
    }
    return best;
}

std::atomic<KernelTier>& active_tier() {
    static std::atomic<KernelTier> tier{best_supported_tier()};
    return tier;
}

bool use_avx2() { return active_kernel_tier() >= KernelTier::avx2; }

} // namespace

const std::array<float, 256>& mxfp4_half_scales() {
    static const std::array<float, 256> table = [] {
        // The first caller may flush denormals; scale bytes 0 and 1 give denormals all the same.
        const ScopedDenormals kept(Denormals::kept);
        std::array<float, 256> t{};
        for (int e = 0; e < 256; ++e)
            t[static_cast<std::size_t>(e)] = std::ldexp(1.0f, e - 128);
        return t;
    }();
    return table;
}

RowFormat row_format(const model::WeightRef& w) {
    switch (w.type) {
    case TensorType::f32: return RowFormat::f32;
    case TensorType::f16: return RowFormat::f16;
    case TensorType::bf16: return RowFormat::bf16;
    case TensorType::q8_0: return RowFormat::q8_0;
    case TensorType::mxfp4:
        return w.is_checkpoint_mxfp4() ? RowFormat::mxfp4_checkpoint : RowFormat::mxfp4_gguf;
    case TensorType::u8: break; // never a weight type (the loader turns U8 into MXFP4)
    }
    return RowFormat::f32;
}

RowLocator::RowLocator(const model::WeightRef& w) : data_(w.data.data()), rows_(w.rows) {
    if (w.is_checkpoint_mxfp4()) {
        scales_ = w.scales.data();
        scale_bytes_ = w.cols / 32;
        row_bytes_ = scale_bytes_ * 16;
    } else {
        row_bytes_ = *format::storage_bytes(w.type, w.cols);
    }
}

const char* kernel_tier_name(KernelTier tier) {
    switch (tier) {
    case KernelTier::portable: return "portable";
    case KernelTier::avx2: return "avx2";
    case KernelTier::avx512: return "avx512";
    }
    return "portable";
}

bool cpu_supports(KernelTier tier) {
    switch (tier) {
    case KernelTier::portable: return true;
    case KernelTier::avx2: return avx2::supported();
    case KernelTier::avx512: return avx2::supported() && avx512::supported();
    }
    return false;
}

KernelTier active_kernel_tier() { return active_tier().load(std::memory_order_relaxed); }

bool use_kernel_tier(KernelTier tier) {
    if (!cpu_supports(tier)) return false;
    active_tier().store(tier, std::memory_order_relaxed);
    return true;
}

const RowKernels& row_kernels(RowFormat format) {
    return row_kernels(format, active_kernel_tier());
}

const RowKernels& row_kernels(RowFormat format, KernelTier tier) {
    return tier_table(tier)[format_index(format)];
}

float dot_f32(const float* a, const float* b, std::size_t n) {
    return use_avx2() ? avx2::dot_f32(a, b, n) : portable::dot_f32(a, b, n);
}

void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out) {
    dot_rows_tile(active_kernel_tier(), rows, x, tokens, n, out);
}

void dot_rows_tile(KernelTier tier, const float* const rows[4], const float* const x[],
                   std::size_t tokens, std::size_t n, float* out) {
    switch (tier) {
    case KernelTier::portable: return portable::dot_rows_tile(rows, x, tokens, n, out);
    case KernelTier::avx2: return avx2::dot_rows_tile(rows, x, tokens, n, out);
    case KernelTier::avx512: return avx512::dot_rows_tile(rows, x, tokens, n, out);
    }
}

float exponentiate_scores(float* scores, std::size_t n, float max_score) {
    return exponentiate_scores(active_kernel_tier(), scores, n, max_score);
}

float exponentiate_scores(KernelTier tier, float* scores, std::size_t n, float max_score) {
    if (tier == KernelTier::portable) return portable::exponentiate_scores(scores, n, max_score);
    return avx2::exponentiate_scores(scores, n, max_score); // AVX-512 too: a short loop
}

void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out) {
    add_weighted_rows(active_kernel_tier(), weights, rows, stride, count, n, out);
}

void add_weighted_rows(KernelTier tier, const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out) {
    switch (tier) {
    case KernelTier::portable:
        return portable::add_weighted_rows(weights, rows, stride, count, n, out);
    // AVX-512 adds nothing here: the sums stream rows from cache, eight 8-float FMAs a row.
    case KernelTier::avx2:
    case KernelTier::avx512: return avx2::add_weighted_rows(weights, rows, stride, count, n, out);
    }
}

} // namespace hearth::cpu
