// Rows of f32 as int8 codes with an f32 scale per 32-value block, which the int8 products read
// (matvec.cuh's Int8Input): value = code * scale, the scale the block's largest magnitude / 127,
// codes rounded to nearest even (shaders/q8_block.glsl's arithmetic). A block of quantize_block
// threads per row of args.count values (a multiple of 32); a thread takes a word of four codes, so
// a 32-value block is eight neighbouring lanes and its largest magnitude three shuffles.
#pragma once

#include "common.cuh"
#include "rms_norm.cuh"

// A value's code as the low byte.
__device__ __forceinline__ unsigned q8_code(float value, float inverse_scale) {
    const int code = max(-127, min(127, static_cast<int>(rintf(value * inverse_scale))));
    return static_cast<unsigned>(code) & 0xFFu;
}

// A row's words of four values as their codes, and each block's scale: `word(w)` gives word w's
// values. The bound is the block's, so that every lane takes part in each round's shuffles.
template <typename Words>
__device__ __forceinline__ void quantize_words(Words word, unsigned words, unsigned* codes,
                                               float* scales) {
    for (unsigned first = 0; first < words; first += shapes::quantize_block) {
        const unsigned w = first + threadIdx.x;
        const bool inside = w < words;
        const float4 v = inside ? word(w) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        float largest = fmaxf(fmaxf(fabsf(v.x), fabsf(v.y)), fmaxf(fabsf(v.z), fabsf(v.w)));
        for (int lanes = 1; lanes < 8; lanes <<= 1)
            largest = fmaxf(largest, __shfl_xor_sync(0xffffffffu, largest, lanes));
        if (!inside) continue;
        // Clamped so that a block of subnormals gives small codes rather than infinite ones.
        const float inverse = largest > 0.0f ? fminf(127.0f / largest, 3.0e38f) : 0.0f;
        codes[w] = q8_code(v.x, inverse) | q8_code(v.y, inverse) << 8 |
                   q8_code(v.z, inverse) << 16 | q8_code(v.w, inverse) << 24;
        if (w % 8 == 0) scales[w / 8] = largest / 127.0f;
    }
}

extern "C" __global__ void __launch_bounds__(shapes::quantize_block)
    quantize_q8(const float* x, unsigned* codes, float* scales, ka::RmsNormArgs args) {
    const unsigned words = args.count / 4;
    const unsigned long long row = blockIdx.x;
    const auto* values = reinterpret_cast<const float4*>(x + row * args.count);
    quantize_words([&](unsigned w) { return values[w]; }, words, codes + row * words,
                   scales + row * (args.count / 32));
}

// The rows through the RMSNorm first (gain * x / rms(x), as f32_rms_norm), written to `out` as
// well: one launch for the MLP's norm and gate/up's int8 x, where a norm and a quantize_q8 were
// two.
extern "C" __global__ void __launch_bounds__(shapes::quantize_block)
    rms_norm_quantize_q8(const float* x, const float* gain, float* out, unsigned* codes,
                         float* scales, ka::RmsNormArgs args) {
    static_assert(shapes::quantize_block == shapes::rms_norm_block,
                  "row_inverse_rms sums over a block of rms_norm_block threads");
    const unsigned words = args.count / 4;
    const unsigned long long row = blockIdx.x;
    const float inverse = row_inverse_rms(x + row * args.count, args);
    const auto* values = reinterpret_cast<const float4*>(x + row * args.count);
    const auto* gains = reinterpret_cast<const float4*>(gain);
    auto* normalized = reinterpret_cast<float4*>(out + row * args.count);
    quantize_words(
        [&](unsigned w) {
            const float4 v = values[w], g = gains[w];
            const float4 n = make_float4(g.x * (v.x * inverse), g.y * (v.y * inverse),
                                         g.z * (v.z * inverse), g.w * (v.w * inverse));
            normalized[w] = n;
            return n;
        },
        words, codes + row * words, scales + row * (args.count / 32));
}
