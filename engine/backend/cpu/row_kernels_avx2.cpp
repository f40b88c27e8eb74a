// AVX2/FMA row kernels, compiled for those instructions per function (target attribute) so the
// rest of the binary still runs on any x86-64; row_kernels() only picks them when the CPU has them.
#include <algorithm>
#include <cstring>
#include <immintrin.h>

#include "model/float_formats.h"
#include "row_kernels_impl.h"

#define HEARTH_AVX2 __attribute__((target("avx2,fma")))

namespace hearth::cpu::avx2 {
namespace {

HEARTH_AVX2 float horizontal_sum(__m256 v) {
    const __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 sum2 = _mm_add_ps(sum4, _mm_movehl_ps(sum4, sum4));
    return _mm_cvtss_f32(_mm_add_ss(sum2, _mm_shuffle_ps(sum2, sum2, 1)));
}

// E2M1 values doubled, so they fit int8; the block scale is halved to match: 2^(e-128).
HEARTH_AVX2 __m128i e2m1_times_two() {
    return _mm_setr_epi8(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);
}

// Dot product of 32 int8 values (in element order) with x[0..31], as a vector of partial sums.
HEARTH_AVX2 __m256 dot32_i8(__m128i first16, __m128i last16, const float* x) {
    const __m256 a = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(first16));
    const __m256 b = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(first16, 8)));
    const __m256 c = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(last16));
    const __m256 d = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(last16, 8)));
    __m256 sum = _mm256_mul_ps(a, _mm256_loadu_ps(x));
    sum = _mm256_fmadd_ps(b, _mm256_loadu_ps(x + 8), sum);
    sum = _mm256_fmadd_ps(c, _mm256_loadu_ps(x + 16), sum);
    return _mm256_fmadd_ps(d, _mm256_loadu_ps(x + 24), sum);
}

// `sum` plus one Q8_0 block (an f16 scale, then 32 int8 values) dotted with x[0..31].
HEARTH_AVX2 __m256 add_q8_0_block(const std::byte* block, const float* x, __m256 sum) {
    std::uint16_t d_bits;
    std::memcpy(&d_bits, block, 2);
    const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2));
    const __m128i last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 18));
    return _mm256_fmadd_ps(_mm256_set1_ps(model::f16_to_float(d_bits)), dot32_i8(first, last, x),
                           sum);
}

// One MXFP4 block's 32 doubled values as int8, elements 0-15 in `first` and 16-31 in `last`;
// Unpack puts the looked-up low and high nibbles in element order for the block's packing.
template <typename Unpack>
HEARTH_AVX2 void mxfp4_doubled_values(const std::byte* codes, Unpack unpack, __m128i& first,
                                      __m128i& last) {
    const __m128i table = e2m1_times_two();
    const __m128i low_mask = _mm_set1_epi8(0x0F);
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes));
    const __m128i low = _mm_shuffle_epi8(table, _mm_and_si128(bytes, low_mask));
    const __m128i high = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(bytes, 4), low_mask));
    unpack(low, high, first, last);
}

// `sum` plus one MXFP4 block (its codes and half its scale) dotted with x[0..31].
template <typename Unpack>
HEARTH_AVX2 __m256 add_mxfp4_block(const std::byte* codes, float half_scale, const float* x,
                                   Unpack unpack, __m256 sum) {
    __m128i first, last;
    mxfp4_doubled_values(codes, unpack, first, last);
    return _mm256_fmadd_ps(_mm256_set1_ps(half_scale), dot32_i8(first, last, x), sum);
}

// Shared by both MXFP4 packings.
template <typename Unpack>
HEARTH_AVX2 float dot_mxfp4(const std::byte* codes, std::size_t code_stride,
                            const std::byte* scales, std::size_t scale_stride, const float* x,
                            std::size_t n, Unpack unpack) {
    const auto& half_scales = mxfp4_half_scales();
    const auto half_scale = [&](std::size_t b) {
        return half_scales[static_cast<std::uint8_t>(scales[b * scale_stride])];
    };
    // Even and odd blocks add into their own sums, so a block need not wait on the last one's add.
    __m256 even = _mm256_setzero_ps(), odd = _mm256_setzero_ps();
    const std::size_t blocks = n / 32;
    std::size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        prefetch_ahead(codes + b * code_stride);
        even = add_mxfp4_block(codes + b * code_stride, half_scale(b), x + b * 32, unpack, even);
        odd = add_mxfp4_block(codes + (b + 1) * code_stride, half_scale(b + 1), x + (b + 1) * 32,
                              unpack, odd);
    }
    if (b < blocks) {
        even = add_mxfp4_block(codes + b * code_stride, half_scale(b), x + b * 32, unpack, even);
    }
    return horizontal_sum(_mm256_add_ps(even, odd));
}

// Writes 32 int8 values times d as floats.
HEARTH_AVX2 void store32_i8(__m128i first16, __m128i last16, float d, float* out) {
    const __m256 scale = _mm256_set1_ps(d);
    const __m128i parts[4] = {first16, _mm_srli_si128(first16, 8), last16,
                              _mm_srli_si128(last16, 8)};
    for (int i = 0; i < 4; ++i) {
        _mm256_storeu_ps(out + 8 * i,
                         _mm256_mul_ps(scale, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(parts[i]))));
    }
}

template <typename Unpack>
HEARTH_AVX2 void decode_mxfp4(const std::byte* codes, std::size_t code_stride,
                              const std::byte* scales, std::size_t scale_stride, float* out,
                              std::size_t n, Unpack unpack) {
    const auto& half_scales = mxfp4_half_scales();
    for (std::size_t b = 0; b < n / 32; ++b) {
        __m128i first, last;
        mxfp4_doubled_values(codes + b * code_stride, unpack, first, last);
        store32_i8(first, last, half_scales[static_cast<std::uint8_t>(scales[b * scale_stride])],
                   out + b * 32);
    }
}

HEARTH_AVX2 void unpack_split_halves(__m128i low, __m128i high, __m128i& first, __m128i& last) {
    first = low;
    last = high;
}

HEARTH_AVX2 void unpack_linear_pairs(__m128i low, __m128i high, __m128i& first, __m128i& last) {
    first = _mm_unpacklo_epi8(low, high);
    last = _mm_unpackhi_epi8(low, high);
}

} // namespace

bool supported() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

HEARTH_AVX2 float dot_f32(const float* a, const float* b, std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    }
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

HEARTH_AVX2 float dot_row_f32(RowView row, const float* x, std::size_t n) {
    return dot_f32(reinterpret_cast<const float*>(row.data), x, n);
}

HEARTH_AVX2 float dot_bf16(RowView row, const float* x, std::size_t n) {
    __m256 acc = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row.data + 2 * i));
        const __m256 w = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(bits), 16));
        acc = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + i), acc);
    }
    float sum = horizontal_sum(acc);
    for (; i < n; ++i) {
        std::uint16_t bits;
        std::memcpy(&bits, row.data + 2 * i, 2);
        sum += model::bf16_to_float(bits) * x[i];
    }
    return sum;
}

HEARTH_AVX2 float dot_q8_0(RowView row, const float* x, std::size_t n) {
    // Even and odd blocks' sums apart, as in dot_mxfp4.
    __m256 even = _mm256_setzero_ps(), odd = _mm256_setzero_ps();
    const std::size_t blocks = n / 32;
    std::size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        prefetch_ahead(row.data + b * 34);
        even = add_q8_0_block(row.data + b * 34, x + b * 32, even);
        odd = add_q8_0_block(row.data + (b + 1) * 34, x + (b + 1) * 32, odd);
    }
    if (b < blocks) even = add_q8_0_block(row.data + b * 34, x + b * 32, even);
    return horizontal_sum(_mm256_add_ps(even, odd));
}

// GGUF: low nibbles are elements 0-15, high nibbles 16-31; the scale byte precedes the codes.
HEARTH_AVX2 float dot_mxfp4_gguf(RowView row, const float* x, std::size_t n) {
    return dot_mxfp4(row.data + 1, 17, row.data, 17, x, n, unpack_split_halves);
}

HEARTH_AVX2 void decode_mxfp4_gguf(RowView row, float* out, std::size_t n) {
    decode_mxfp4(row.data + 1, 17, row.data, 17, out, n, unpack_split_halves);
}

// Checkpoint: byte j holds elements 2j (low nibble) and 2j+1 (high nibble).
HEARTH_AVX2 float dot_mxfp4_checkpoint(RowView row, const float* x, std::size_t n) {
    return dot_mxfp4(row.data, 16, row.scales, 1, x, n, unpack_linear_pairs);
}

HEARTH_AVX2 void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n) {
    decode_mxfp4(row.data, 16, row.scales, 1, out, n, unpack_linear_pairs);
}

HEARTH_AVX2 void decode_q8_0(RowView row, float* out, std::size_t n) {
    for (std::size_t b = 0; b < n / 32; ++b) {
        const std::byte* block = row.data + b * 34;
        std::uint16_t d_bits;
        std::memcpy(&d_bits, block, 2);
        store32_i8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 2)),
                   _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 18)),
                   model::f16_to_float(d_bits), out + b * 32);
    }
}

namespace {

// Lane k of the result is the sum of v[k]'s lanes, the vectors folded together in pairs (9
// instructions, where reducing each vector alone takes 6 apiece).
HEARTH_AVX2 __m256 lane_sums(const __m256 (&v)[8]) {
    // Within each 128-bit half: [a, b, c, d] for that half of v[0..3], and of v[4..7].
    const __m256 low = _mm256_hadd_ps(_mm256_hadd_ps(v[0], v[1]), _mm256_hadd_ps(v[2], v[3]));
    const __m256 high = _mm256_hadd_ps(_mm256_hadd_ps(v[4], v[5]), _mm256_hadd_ps(v[6], v[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(low, high, 0x20),
                         _mm256_permute2f128_ps(low, high, 0x31));
}

// Four rows against `Tokens` vectors: 4 * Tokens sums, each load feeding several.
template <int Tokens>
HEARTH_AVX2 void tile(const float* const rows[4], const float* const x[], std::size_t n,
                      float* out) {
    __m256 acc[Tokens][4];
    for (auto& token : acc) {
        for (auto& sum : token)
            sum = _mm256_setzero_ps();
    }
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 xs[Tokens];
#pragma GCC unroll 8
        for (int t = 0; t < Tokens; ++t)
            xs[t] = _mm256_loadu_ps(x[t] + i);
#pragma GCC unroll 4
        for (int r = 0; r < 4; ++r) {
            const __m256 w = _mm256_loadu_ps(rows[r] + i);
#pragma GCC unroll 8
            for (int t = 0; t < Tokens; ++t)
                acc[t][r] = _mm256_fmadd_ps(w, xs[t], acc[t][r]);
        }
    }
    // Two tokens' sums (out[t * 4 + r] for t0 <= t < t0 + 2) reduced together.
    for (int t0 = 0; t0 < Tokens; t0 += 2) {
        __m256 group[8];
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k)
            group[k] = t0 + k / 4 < Tokens ? acc[t0 + k / 4][k % 4] : _mm256_setzero_ps();
        const __m256 sums = lane_sums(group);
        if (t0 + 1 < Tokens) {
            _mm256_storeu_ps(out + t0 * 4, sums);
        } else {
            _mm_storeu_ps(out + t0 * 4, _mm256_castps256_ps128(sums));
        }
    }
    for (int t = 0; t < Tokens; ++t) {
        for (int r = 0; r < 4; ++r) {
            for (std::size_t j = i; j < n; ++j)
                out[t * 4 + r] += rows[r][j] * x[t][j];
        }
    }
}

} // namespace

namespace {

// out[c .. c + 8 * Vectors) += sum of weights[u] * rows[u][c ..], the sums held in registers.
template <int Vectors>
HEARTH_AVX2 void add_weighted_columns(const float* weights, const float* rows, std::size_t stride,
                                      std::size_t count, std::size_t c, float* out) {
    __m256 acc[Vectors];
#pragma GCC unroll 8
    for (int v = 0; v < Vectors; ++v)
        acc[v] = _mm256_loadu_ps(out + c + 8 * v);
    for (std::size_t u = 0; u < count; ++u) {
        const __m256 w = _mm256_broadcast_ss(weights + u);
        const float* row = rows + u * stride + c;
#pragma GCC unroll 8
        for (int v = 0; v < Vectors; ++v)
            acc[v] = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 8 * v), acc[v]);
    }
#pragma GCC unroll 8
    for (int v = 0; v < Vectors; ++v)
        _mm256_storeu_ps(out + c + 8 * v, acc[v]);
}

} // namespace

// 64 columns (one gpt-oss head) at a time, then 8, then the rest one by one.
HEARTH_AVX2 void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                                   std::size_t count, std::size_t n, float* out) {
    std::size_t c = 0;
    for (; c + 64 <= n; c += 64)
        add_weighted_columns<8>(weights, rows, stride, count, c, out);
    for (; c + 8 <= n; c += 8)
        add_weighted_columns<1>(weights, rows, stride, count, c, out);
    portable::add_weighted_rows(weights, rows + c, stride, count, n - c, out + c);
}

namespace {

// e^x for x <= 0, to about a unit in the last place: e^x = 2^k e^r with k = round(x / ln 2) and
// |r| <= ln(2) / 2 (ln 2 split in two so r is exact), e^r from its degree-7 Taylor-like
// polynomial (Cephes' expf coefficients). Below -87.3, where 2^k would leave the normal floats,
// the result is 0.
HEARTH_AVX2 __m256 exp_of_non_positive(__m256 x) {
    const __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504089f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i two_to_k =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(two_to_k)));
}

} // namespace

HEARTH_AVX2 float exponentiate_scores(float* scores, std::size_t n, float max_score) {
    const __m256 max = _mm256_set1_ps(max_score);
    __m256 sums = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp_of_non_positive(_mm256_sub_ps(_mm256_loadu_ps(scores + i), max));
        _mm256_storeu_ps(scores + i, e);
        sums = _mm256_add_ps(sums, e);
    }
    return horizontal_sum(sums) + portable::exponentiate_scores(scores + i, n - i, max_score);
}

// Three tokens at a time: twelve sums, three inputs and a row fill the sixteen registers.
HEARTH_AVX2 void dot_rows_tile(const float* const rows[4], const float* const x[],
                               std::size_t tokens, std::size_t n, float* out) {
    for (std::size_t t = 0; t < tokens; t += 3) {
        switch (std::min<std::size_t>(3, tokens - t)) {
        case 1: tile<1>(rows, x + t, n, out + 4 * t); break;
        case 2: tile<2>(rows, x + t, n, out + 4 * t); break;
        default: tile<3>(rows, x + t, n, out + 4 * t); break;
        }
    }
}

} // namespace hearth::cpu::avx2
