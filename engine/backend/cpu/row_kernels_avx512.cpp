// AVX-512 kernels, compiled for those instructions per function so the rest of the binary runs on
// any x86-64; row_kernels() only picks them when the CPU has them: the dot products of the two
// block formats that dominate decode (MXFP4 experts, Q8_0 attention and unembedding), and
// prefill's tile of decoded rows against several tokens.
//
// The dot products widen each weight to a float and sum with fp32 FMAs, like the AVX2 kernels, but
// 16 lanes at a time: decode reads every weight once per token, and on two cores these kernels, not
// memory, set the speed. An MXFP4 block's sixteen values times its scale form a 16-float table
// (exact: the scale is a power of two; one table per scale byte, made once), and one permute per
// 16 codes looks them up.
#include <array>
#include <cstdint>
#include <cstring>
#include <immintrin.h>

#include "float_mode.h"
#include "row_kernels_impl.h"

// GCC 12's AVX-512 intrinsics fill unused lanes from deliberately undefined vectors, and its
// optimiser then reports those as uninitialised (a false alarm in the compiler's own headers).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define HEARTH_AVX512 __attribute__((target("avx512f,f16c,avx2,fma")))

namespace hearth::cpu::avx512 {
namespace {

constexpr std::size_t block = 32;

// Each scale byte's sixteen values by code: doubled E2M1 times half the scale (exact, as the scale
// is a power of two), 16 KB in all. A block's permutes read its table straight from here in L1,
// which saves the multiply per block that building it in registers took: one of the block's seven
// vector instructions, on the two ports that the permutes and FMAs share on Intel cores.
struct alignas(64) ScaledValues {
    float by_code[16];
};

const std::array<ScaledValues, 256>& mxfp4_scaled_values() {
    static const auto tables = [] {
        // The first caller may flush denormals; scale bytes 0 and 1 give denormals all the same.
        const ScopedDenormals kept(Denormals::kept);
        constexpr float doubled[16] = {0, 1, 2, 3, 4, 6, 8, 12, -0.0f, -1, -2, -3, -4, -6, -8, -12};
        const auto& half_scales = mxfp4_half_scales();
        std::array<ScaledValues, 256> t{};
        for (std::size_t e = 0; e < 256; ++e) {
            for (std::size_t c = 0; c < 16; ++c)
                t[e].by_code[c] = doubled[c] * half_scales[e];
        }
        return t;
    }();
    return tables;
}

// One MXFP4 block's values: its 16 code bytes' low nibbles looked up into `low`, high nibbles
// into `high`.
HEARTH_AVX512 void look_up_mxfp4_block(const std::byte* codes, const ScaledValues& values,
                                       __m512& low, __m512& high) {
    const __m512 table = _mm512_load_ps(values.by_code);
    // permutexvar reads only each lane's low four bits: the low nibble, then the high one.
    const __m512i lanes =
        _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
    low = _mm512_permutexvar_ps(lanes, table);
    high = _mm512_permutexvar_ps(_mm512_srli_epi32(lanes, 4), table);
}

// Sums of one MXFP4 block's products, lanes 0-15 (low nibbles) and 16-31 (high nibbles) of `x`
// added into `low` and `high`.
HEARTH_AVX512 void mxfp4_block(const std::byte* codes, const ScaledValues& values, const float* x,
                               __m512& low, __m512& high) {
    __m512 low_values, high_values;
    look_up_mxfp4_block(codes, values, low_values, high_values);
    low = _mm512_fmadd_ps(low_values, _mm512_loadu_ps(x), low);
    high = _mm512_fmadd_ps(high_values, _mm512_loadu_ps(x + 16), high);
}

// `x` holds each block's 32 inputs in the order its codes unpack to (low nibbles first).
HEARTH_AVX512 float dot_mxfp4(const std::byte* codes, std::size_t code_stride,
                              const std::byte* scales, std::size_t scale_stride, const float* x,
                              std::size_t n) {
    // Looked up once: a call inside the loop would spill every vector register around it.
    const auto& scaled_values = mxfp4_scaled_values();
    const auto values_of = [&](std::size_t b) -> const ScaledValues& {
        return scaled_values[static_cast<std::uint8_t>(scales[b * scale_stride])];
    };
    // Four sums, so consecutive blocks do not wait on one add chain.
    __m512 sums[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                      _mm512_setzero_ps()};
    const std::size_t blocks = n / block;
    std::size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        prefetch_ahead(codes + b * code_stride);
        mxfp4_block(codes + b * code_stride, values_of(b), x + b * block, sums[0], sums[1]);
        mxfp4_block(codes + (b + 1) * code_stride, values_of(b + 1), x + (b + 1) * block, sums[2],
                    sums[3]);
    }
    if (b < blocks)
        mxfp4_block(codes + b * code_stride, values_of(b), x + b * block, sums[0], sums[1]);
    return _mm512_reduce_add_ps(
        _mm512_add_ps(_mm512_add_ps(sums[0], sums[1]), _mm512_add_ps(sums[2], sums[3])));
}

// Writes a row's values. A GGUF block's low nibbles are elements 0-15 and its high nibbles
// 16-31; a checkpoint byte holds a pair, elements 2j (low) and 2j+1 (high).
HEARTH_AVX512 void decode_mxfp4(const std::byte* codes, std::size_t code_stride,
                                const std::byte* scales, std::size_t scale_stride, bool pairs,
                                float* out, std::size_t n) {
    const auto& scaled_values = mxfp4_scaled_values();
    const __m512i first_pairs =
        _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second_pairs = _mm512_add_epi32(first_pairs, _mm512_set1_epi32(8));
    for (std::size_t b = 0; b < n / block; ++b) {
        __m512 low, high;
        look_up_mxfp4_block(codes + b * code_stride,
                            scaled_values[static_cast<std::uint8_t>(scales[b * scale_stride])], low,
                            high);
        float* values = out + b * block;
        if (pairs) {
            _mm512_storeu_ps(values, _mm512_permutex2var_ps(low, first_pairs, high));
            _mm512_storeu_ps(values + 16, _mm512_permutex2var_ps(low, second_pairs, high));
        } else {
            _mm512_storeu_ps(values, low);
            _mm512_storeu_ps(values + 16, high);
        }
    }
}

HEARTH_AVX512 __m512 widen_i8(const std::byte* sixteen) {
    return _mm512_cvtepi32_ps(
        _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sixteen))));
}

// `sum` plus one Q8_0 block (an f16 scale, then 32 int8 values) dotted with x[0..31].
HEARTH_AVX512 __m512 q8_0_block(const std::byte* q, const float* x, __m512 sum) {
    std::uint16_t scale_bits;
    std::memcpy(&scale_bits, q, 2);
    const __m512 products = _mm512_fmadd_ps(widen_i8(q + 18), _mm512_loadu_ps(x + 16),
                                            _mm512_mul_ps(widen_i8(q + 2), _mm512_loadu_ps(x)));
    return _mm512_fmadd_ps(products, _mm512_set1_ps(_cvtsh_ss(scale_bits)), sum);
}

} // namespace

// Every CPU with AVX-512F has F16C too (and clang cannot ask for it by name here).
bool supported() { return __builtin_cpu_supports("avx512f"); }

HEARTH_AVX512 float dot_q8_0(RowView row, const float* x, std::size_t n) {
    // Two sums, so consecutive blocks do not wait on one add chain.
    __m512 even = _mm512_setzero_ps(), odd = _mm512_setzero_ps();
    const std::size_t blocks = n / block;
    std::size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        prefetch_ahead(row.data + b * 34);
        even = q8_0_block(row.data + b * 34, x + b * block, even);
        odd = q8_0_block(row.data + (b + 1) * 34, x + (b + 1) * block, odd);
    }
    if (b < blocks) even = q8_0_block(row.data + b * 34, x + b * block, even);
    return _mm512_reduce_add_ps(_mm512_add_ps(even, odd));
}

namespace {

// Lane k of the result is the sum of v[k]'s lanes: pairs of vectors folded together level by
// level (45 instructions, where reducing each vector alone takes 8 apiece: short dot products,
// such as attention's 64, would spend as long reducing as multiplying).
HEARTH_AVX512 __m512 lane_sums(const __m512 (&v)[16]) {
    // Within each 128-bit quarter: [a0+a2, b0+b2, a1+a3, b1+b3].
    __m512 pairs[8];
    for (int k = 0; k < 8; ++k) {
        pairs[k] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]),
                                 _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]));
    }
    // Within each quarter: that quarter's sums of four vectors.
    __m512 fours[4];
    for (int k = 0; k < 4; ++k) {
        const __m512d a = _mm512_castps_pd(pairs[2 * k]), b = _mm512_castps_pd(pairs[2 * k + 1]);
        fours[k] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(a, b)),
                                 _mm512_castpd_ps(_mm512_unpackhi_pd(a, b)));
    }
    // Quarters added in pairs: [0-3 of quarters 0+1, 0-3 of 2+3, 4-7 of 0+1, 4-7 of 2+3].
    __m512 halves[2];
    for (int k = 0; k < 2; ++k) {
        halves[k] = _mm512_add_ps(_mm512_shuffle_f32x4(fours[2 * k], fours[2 * k + 1], 0x88),
                                  _mm512_shuffle_f32x4(fours[2 * k], fours[2 * k + 1], 0xdd));
    }
    return _mm512_add_ps(_mm512_shuffle_f32x4(halves[0], halves[1], 0x88),
                         _mm512_shuffle_f32x4(halves[0], halves[1], 0xdd));
}

// Four rows against `Tokens` vectors: 4 * Tokens sums, each load feeding several.
template <int Tokens>
HEARTH_AVX512 void tile(const float* const rows[4], const float* const x[], std::size_t n,
                        float* out) {
    __m512 acc[Tokens][4];
    for (auto& token : acc) {
        for (auto& sum : token)
            sum = _mm512_setzero_ps();
    }
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 xs[Tokens];
#pragma GCC unroll 8
        for (int t = 0; t < Tokens; ++t)
            xs[t] = _mm512_loadu_ps(x[t] + i);
#pragma GCC unroll 4
        for (int r = 0; r < 4; ++r) {
            const __m512 w = _mm512_loadu_ps(rows[r] + i);
#pragma GCC unroll 8
            for (int t = 0; t < Tokens; ++t)
                acc[t][r] = _mm512_fmadd_ps(w, xs[t], acc[t][r]);
        }
    }
    // Four tokens' sums (out[t * 4 + r] for t0 <= t < t0 + 4) reduced together.
    for (int t0 = 0; t0 < Tokens; t0 += 4) {
        __m512 group[16];
#pragma GCC unroll 16
        for (int k = 0; k < 16; ++k)
            group[k] = t0 + k / 4 < Tokens ? acc[t0 + k / 4][k % 4] : _mm512_setzero_ps();
        const int sums = 4 * (Tokens - t0 < 4 ? Tokens - t0 : 4);
        _mm512_mask_storeu_ps(out + t0 * 4, static_cast<__mmask16>((1u << sums) - 1),
                              lane_sums(group));
    }
    for (int t = 0; t < Tokens; ++t) {
        for (int r = 0; r < 4; ++r) {
            for (std::size_t j = i; j < n; ++j)
                out[t * 4 + r] += rows[r][j] * x[t][j];
        }
    }
}

} // namespace

// Up to six tokens at once: 24 sums, six inputs and a row in the 32 registers (in a prefill
// microbenchmark 1.15-1.4x the AVX2 tile's three).
HEARTH_AVX512 void dot_rows_tile(const float* const rows[4], const float* const x[],
                                 std::size_t tokens, std::size_t n, float* out) {
    switch (tokens) {
    case 1: tile<1>(rows, x, n, out); break;
    case 2: tile<2>(rows, x, n, out); break;
    case 3: tile<3>(rows, x, n, out); break;
    case 4: tile<4>(rows, x, n, out); break;
    case 5: tile<5>(rows, x, n, out); break;
    default: tile<6>(rows, x, n, out); break;
    }
}

// Checkpoint bytes hold elements 2j (low nibble) and 2j+1 (high nibble): each block's inputs are
// rearranged once per product into its evens, then its odds.
HEARTH_AVX512 void prepare_evens_then_odds(const float* x, std::size_t n, float* out) {
    const __m512i evens =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_add_epi32(evens, _mm512_set1_epi32(1));
    for (std::size_t b = 0; b < n / block; ++b) {
        const __m512 first = _mm512_loadu_ps(x + b * block);
        const __m512 second = _mm512_loadu_ps(x + b * block + 16);
        _mm512_storeu_ps(out + b * block, _mm512_permutex2var_ps(first, evens, second));
        _mm512_storeu_ps(out + b * block + 16, _mm512_permutex2var_ps(first, odds, second));
    }
}

// GGUF: the scale byte precedes each block's 16 code bytes; low nibbles are elements 0-15.
HEARTH_AVX512 float dot_mxfp4_gguf(RowView row, DotInput x, std::size_t n) {
    return dot_mxfp4(row.data + 1, 17, row.data, 17, x.x, n);
}

// Checkpoint: 16 code bytes per block, the scales in their own array.
HEARTH_AVX512 float dot_mxfp4_checkpoint(RowView row, DotInput x, std::size_t n) {
    return dot_mxfp4(row.data, 16, row.scales, 1, x.prepared, n);
}

HEARTH_AVX512 void decode_mxfp4_gguf(RowView row, float* out, std::size_t n) {
    decode_mxfp4(row.data + 1, 17, row.data, 17, false, out, n);
}

HEARTH_AVX512 void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n) {
    decode_mxfp4(row.data, 16, row.scales, 1, true, out, n);
}

} // namespace hearth::cpu::avx512
