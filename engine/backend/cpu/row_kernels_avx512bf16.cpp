// MXFP4 dot products with AVX-512 BF16 (vdpbf16ps), compiled for those instructions per function
// so the rest of the binary runs on any x86-64; row_kernels() only picks them when the CPU has
// them.
//
// The sums stay exact to fp32: every E2M1 code (doubled, as in the AVX2 kernels) is exact in bf16,
// and prepare splits each input float x into three bf16 parts with x = hi + mid + lo exactly (8
// significant bits each covers fp32's 24). Each bf16 product is exact in fp32 and is summed in
// fp32, so the only rounding is the fp32 accumulation, as in the AVX2 kernels. (That holds for
// finite x above about 2^-100 in magnitude: vdpbf16ps reads denormal parts as zero, and an infinite
// x gives NaN; activations are nowhere near either.) It is faster than widening each code to a
// float because one instruction does 32 products and sums.
#include <cstdint>
#include <immintrin.h>

#include "row_kernels_impl.h"

// GCC 12's AVX-512 intrinsics fill unused lanes from deliberately undefined vectors, and its
// optimiser then reports those as uninitialised (a false alarm in the compiler's own headers).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define HEARTH_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")))

namespace hearth::cpu::avx512_bf16 {
namespace {

constexpr std::size_t block = 32;
constexpr std::size_t words_per_block = prepared_words(block); // hi[32], mid[32], lo[32]
constexpr std::size_t prefetch_blocks = 64;

// Stores the top 16 bits of 16 floats (exactly their value when it has at most 8 significant bits).
HEARTH_AVX512_BF16 void store_bf16(__m512 v, std::uint16_t* out) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out),
                        _mm512_cvtepi32_epi16(_mm512_srli_epi32(_mm512_castps_si512(v), 16)));
}

// Splits 16 floats into their three bf16 parts and stores each as 16 words.
HEARTH_AVX512_BF16 void store_split(__m512 x, std::uint16_t* hi, std::uint16_t* mid,
                                    std::uint16_t* lo) {
    const __m512i top_bits = _mm512_set1_epi32(static_cast<int>(0xFFFF0000u));
    const __m512 high = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), top_bits));
    const __m512 rest = _mm512_sub_ps(x, high); // exact: the bits below the top 16
    const __m512 middle =
        _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(rest), top_bits));
    const __m512 low = _mm512_sub_ps(rest, middle); // exact, and at most 8 significant bits
    store_bf16(high, hi);
    store_bf16(middle, mid);
    store_bf16(low, lo);
}

// Prepares each 32-element block with its elements permuted by the two index vectors (into the
// first and second 16 lanes; indices 16-31 pick from the block's second half).
HEARTH_AVX512_BF16 void prepare_blocks(const float* x, std::size_t n, std::uint16_t* out,
                                       __m512i first_lanes, __m512i second_lanes) {
    for (std::size_t b = 0; b < n / block; ++b) {
        const __m512 a = _mm512_loadu_ps(x + b * block);
        const __m512 c = _mm512_loadu_ps(x + b * block + 16);
        std::uint16_t* words = out + b * words_per_block;
        store_split(_mm512_permutex2var_ps(a, first_lanes, c), words, words + 32, words + 64);
        store_split(_mm512_permutex2var_ps(a, second_lanes, c), words + 16, words + 48, words + 80);
    }
}

// Doubled E2M1 values as bf16, by code; repeated so the permute's fifth index bit is ignored.
HEARTH_AVX512_BF16 __m512i doubled_e2m1_bf16() {
    alignas(64) static const std::uint16_t table[32] = {
        0x0000, 0x3F80, 0x4000, 0x4040, 0x4080, 0x40C0, 0x4100, 0x4140, 0x8000, 0xBF80, 0xC000,
        0xC040, 0xC080, 0xC0C0, 0xC100, 0xC140, 0x0000, 0x3F80, 0x4000, 0x4040, 0x4080, 0x40C0,
        0x4100, 0x4140, 0x8000, 0xBF80, 0xC000, 0xC040, 0xC080, 0xC0C0, 0xC100, 0xC140};
    return _mm512_load_si512(table);
}

// One block's 32 products, summed in pairs into 16 lanes and scaled. The codes unpack to lanes
// 0-15 (low nibbles) and 16-31 (high nibbles), the order prepare wrote the input in.
HEARTH_AVX512_BF16 __m512 block_dot(const std::byte* codes, float scale, const std::uint16_t* words,
                                    __m512i table) {
    const __m256i bytes =
        _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
    const __m512i index =
        _mm512_inserti64x4(_mm512_castsi256_si512(bytes), _mm256_srli_epi16(bytes, 4), 1);
    const __m512bh w = reinterpret_cast<__m512bh>(_mm512_permutexvar_epi16(index, table));
    __m512 sum = _mm512_setzero_ps();
    for (int part = 0; part < 3; ++part) // hi, mid, lo
        sum = _mm512_dpbf16_ps(sum, w,
                               reinterpret_cast<__m512bh>(_mm512_loadu_si512(words + 32 * part)));
    return _mm512_mul_ps(_mm512_set1_ps(scale), sum);
}

HEARTH_AVX512_BF16 float dot_mxfp4(const std::byte* codes, std::size_t code_stride,
                                   const std::byte* scales, std::size_t scale_stride,
                                   const std::uint16_t* words, std::size_t n) {
    const __m512i table = doubled_e2m1_bf16();
    // Looked up once: a call inside the loop would spill every vector register around it.
    const auto& half_scales = mxfp4_half_scales();
    const auto scale_of = [&half_scales, scales, scale_stride](std::size_t b) {
        return half_scales[static_cast<std::uint8_t>(scales[b * scale_stride])];
    };
    // Two sums, so consecutive blocks do not wait on one add chain.
    __m512 even = _mm512_setzero_ps(), odd = _mm512_setzero_ps();
    const std::size_t blocks = n / block;
    std::size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        // About 1 KB ahead, into the next row near a row's end. In the model this kernel gained
        // nothing over AVX2 without it (the AVX2 kernel gains nothing from it).
        // (An address, not a pointer: past a weight's end it need not point into anything.)
        const std::uintptr_t ahead =
            reinterpret_cast<std::uintptr_t>(codes) + (b + prefetch_blocks) * code_stride;
        _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
        even = _mm512_add_ps(even, block_dot(codes + b * code_stride, scale_of(b),
                                             words + b * words_per_block, table));
        odd = _mm512_add_ps(odd, block_dot(codes + (b + 1) * code_stride, scale_of(b + 1),
                                           words + (b + 1) * words_per_block, table));
    }
    if (b < blocks) {
        even = _mm512_add_ps(even, block_dot(codes + b * code_stride, scale_of(b),
                                             words + b * words_per_block, table));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(even, odd));
}

} // namespace

bool supported() {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
}

HEARTH_AVX512_BF16 void prepare_split_halves(const float* x, std::size_t n, std::uint16_t* out) {
    const __m512i first = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(16));
    prepare_blocks(x, n, out, first, second);
}

HEARTH_AVX512_BF16 void prepare_linear_pairs(const float* x, std::size_t n, std::uint16_t* out) {
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    prepare_blocks(x, n, out, even, odd);
}

// GGUF: the scale byte precedes each block's 16 code bytes.
HEARTH_AVX512_BF16 float dot_mxfp4_gguf(RowView row, DotInput x, std::size_t n) {
    return dot_mxfp4(row.data + 1, 17, row.data, 17, x.prepared, n);
}

// Checkpoint: 16 code bytes per block, the scales in their own array.
HEARTH_AVX512_BF16 float dot_mxfp4_checkpoint(RowView row, DotInput x, std::size_t n) {
    return dot_mxfp4(row.data, 16, row.scales, 1, x.prepared, n);
}

} // namespace hearth::cpu::avx512_bf16
