// Rows of f32 as int8 codes with an f32 scale per 32-value block, which the int8 products read
// (matvec.cuh's Int8Input): value = code * scale, the scale the block's largest magnitude / 127,
// codes rounded to nearest even (shaders/quantize_q8.comp's arithmetic). A block of
// quantize_block threads per row of args.count values (a multiple of 32); a thread takes a word of
// four codes, so a 32-value block is eight neighbouring lanes and its largest magnitude three
// shuffles.
#pragma once

#include "common.cuh"

// A value's code as the low byte.
__device__ __forceinline__ unsigned q8_code(float value, float inverse_scale) {
    const int code = max(-127, min(127, static_cast<int>(rintf(value * inverse_scale))));
    return static_cast<unsigned>(code) & 0xFFu;
}

extern "C" __global__ void __launch_bounds__(shapes::quantize_block)
    quantize_q8(const float* x, unsigned* codes, float* scales, ka::RmsNormArgs args) {
    const unsigned words = args.count / 4;
    const unsigned long long row = blockIdx.x;
    const auto* values = reinterpret_cast<const float4*>(x + row * args.count);
    // The bound is the block's, so that every lane takes part in each round's shuffles.
    for (unsigned first = 0; first < words; first += shapes::quantize_block) {
        const unsigned w = first + threadIdx.x;
        const bool inside = w < words;
        const float4 v = inside ? values[w] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        float largest = fmaxf(fmaxf(fabsf(v.x), fabsf(v.y)), fmaxf(fabsf(v.z), fabsf(v.w)));
        for (int lanes = 1; lanes < 8; lanes <<= 1)
            largest = fmaxf(largest, __shfl_xor_sync(0xffffffffu, largest, lanes));
        if (!inside) continue;
        // Clamped so that a block of subnormals gives small codes rather than infinite ones.
        const float inverse = largest > 0.0f ? fminf(127.0f / largest, 3.0e38f) : 0.0f;
        codes[row * words + w] = q8_code(v.x, inverse) | q8_code(v.y, inverse) << 8 |
                                 q8_code(v.z, inverse) << 16 | q8_code(v.w, inverse) << 24;
        if (w % 8 == 0) scales[row * (args.count / 32) + w / 8] = largest / 127.0f;
    }
}
