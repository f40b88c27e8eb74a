// Portable row kernels: plain loops, the reference the SIMD kernels are tested against.
#include <cmath>
#include <cstring>

#include "model/float_formats.h"
#include "model/mxfp4.h"
#include "row_kernels_impl.h"

namespace hearth::cpu::portable {
namespace {

std::uint16_t u16(const std::byte* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

float q8_scale(const std::byte* block) { return model::f16_to_float(u16(block)); }

} // namespace

void decode_f32(RowView row, float* out, std::size_t n) { std::memcpy(out, row.data, n * 4); }

void decode_f16(RowView row, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = model::f16_to_float(u16(row.data + 2 * i));
}

void decode_bf16(RowView row, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = model::bf16_to_float(u16(row.data + 2 * i));
}

void decode_q8_0(RowView row, float* out, std::size_t n) {
    for (std::size_t b = 0; b < n / 32; ++b) {
        const std::byte* block = row.data + b * 34;
        const float d = q8_scale(block);
        for (std::size_t i = 0; i < 32; ++i) {
            out[b * 32 + i] = d * static_cast<float>(static_cast<std::int8_t>(block[2 + i]));
        }
    }
}

void decode_mxfp4_gguf(RowView row, float* out, std::size_t n) {
    for (std::size_t b = 0; b < n / 32; ++b) {
        model::mxfp4::decode_gguf_block(std::span<const std::byte, 17>(row.data + b * 17, 17),
                                        std::span<float, 32>(out + b * 32, 32));
    }
}

void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n) {
    for (std::size_t b = 0; b < n / 32; ++b) {
        model::mxfp4::decode_checkpoint_block(std::span<const std::byte, 16>(row.data + b * 16, 16),
                                              static_cast<std::uint8_t>(row.scales[b]),
                                              std::span<float, 32>(out + b * 32, 32));
    }
}

float dot_f32(const float* a, const float* b, std::size_t n) {
    float sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

// Decodes 32 values at a time into a small buffer and takes their dot product.
template <void (*Decode)(RowView, float*, std::size_t), std::size_t BlockBytes, bool SeparateScales>
float dot_by_blocks(RowView row, const float* x, std::size_t n) {
    float sum = 0;
    float values[32];
    for (std::size_t b = 0; b < n / 32; ++b) {
        const RowView block{row.data + b * BlockBytes, SeparateScales ? row.scales + b : nullptr};
        Decode(block, values, 32);
        sum += dot_f32(values, x + b * 32, 32);
    }
    return sum;
}

void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out) {
    for (std::size_t t = 0; t < tokens; ++t) {
        for (std::size_t r = 0; r < 4; ++r)
            out[t * 4 + r] = dot_f32(rows[r], x[t], n);
    }
}

void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out) {
    for (std::size_t u = 0; u < count; ++u) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] += weights[u] * rows[u * stride + i];
    }
}

float exponentiate_scores(float* scores, std::size_t n, float max_score) {
    float sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        scores[i] = std::exp(scores[i] - max_score);
        sum += scores[i];
    }
    return sum;
}

float dot_row_f32(RowView row, const float* x, std::size_t n) {
    return dot_f32(reinterpret_cast<const float*>(row.data), x, n);
}
float dot_f16(RowView row, const float* x, std::size_t n) {
    float sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += model::f16_to_float(u16(row.data + 2 * i)) * x[i];
    return sum;
}
float dot_bf16(RowView row, const float* x, std::size_t n) {
    float sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += model::bf16_to_float(u16(row.data + 2 * i)) * x[i];
    return sum;
}
float dot_q8_0(RowView row, const float* x, std::size_t n) {
    return dot_by_blocks<decode_q8_0, 34, false>(row, x, n);
}
float dot_mxfp4_gguf(RowView row, const float* x, std::size_t n) {
    return dot_by_blocks<decode_mxfp4_gguf, 17, false>(row, x, n);
}
float dot_mxfp4_checkpoint(RowView row, const float* x, std::size_t n) {
    return dot_by_blocks<decode_mxfp4_checkpoint, 16, true>(row, x, n);
}

} // namespace hearth::cpu::portable
