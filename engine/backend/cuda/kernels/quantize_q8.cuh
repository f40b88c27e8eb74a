// Rows of f32 as int8 codes with an f32 scale per 32-value block, which the int8 products read
// (matvec.cuh's Int8Input): value = code * scale, the scale the block's largest magnitude / 127,
// codes rounded to nearest even (shaders/q8_block.glsl's arithmetic). quantize_q8: a block of
// quantize_block threads per row of args.count values (a multiple of 32). One token's router and
// gate/up write the codes of their x and of their output themselves (matvec.cuh), with the same
// quantize_words: a thread takes a word of four codes, so a 32-value block is eight neighbouring
// lanes and its largest magnitude three shuffles.
#pragma once

#include "common.cuh"
#include "rms_norm.cuh"

// A value's code as the low byte.
__device__ __forceinline__ unsigned q8_code(float value, float inverse_scale) {
    const int code = max(-127, min(127, static_cast<int>(rintf(value * inverse_scale))));
    return static_cast<unsigned>(code) & 0xFFu;
}

// A row's words of four values as their codes, and each block's scale: `word(w)` gives word w's
// values. Called by whole warps, thread t taking words t, t + blockDim.x, ...; the bound is the
// round's, so that every lane takes part in each round's shuffles.
template <typename Words>
__device__ __forceinline__ void quantize_words(Words word, unsigned words, unsigned* codes,
                                               float* scales) {
    for (unsigned first = 0; first < words; first += blockDim.x) {
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

// This block's share of the 32-value blocks of x through the RMSNorm (gain * x / rms(x), as
// f32_rms_norm; args.cols values, args.norm_eps): their codes and scales. The grid's blocks along
// x take the blocks of x in even, consecutive shares.
__device__ void quantize_normalized_share(const float* x, const float* gain, unsigned* codes,
                                          float* scales, const ka::MatVecArgs& args) {
    const float inverse = row_inverse_rms(x, {args.cols, args.norm_eps});
    const unsigned blocks = args.cols / 32, share = (blocks + gridDim.x - 1) / gridDim.x;
    const unsigned first = min(blocks, blockIdx.x * share);
    const unsigned count = min(blocks, first + share) - first;
    const auto* values = reinterpret_cast<const float4*>(x) + 8ull * first;
    const auto* gains = reinterpret_cast<const float4*>(gain) + 8ull * first;
    quantize_words(
        [&](unsigned w) {
            const float4 v = values[w], g = gains[w];
            return make_float4(g.x * (v.x * inverse), g.y * (v.y * inverse), g.z * (v.z * inverse),
                               g.w * (v.w * inverse));
        },
        8 * count, codes + 8ull * first, scales + first);
}
