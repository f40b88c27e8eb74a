// x[token] = the embedding row of the step's token, decoded to f32. Grid: (columns / block,
// the step's tokens).
#pragma once

#include "common.cuh"

template <unsigned Format>
__device__ void embed(const unsigned* codes, const unsigned* scales, const ka::StepHeader* step,
                      float* x, ka::EmbedArgs args) {
    const unsigned token = blockIdx.y, col = blockIdx.x * blockDim.x + threadIdx.x;
    if (token >= step->count || col >= args.cols) return;
    x[static_cast<unsigned long long>(token) * args.cols + col] =
        weight_element<Format>(codes, scales, step_tokens(step)[token], col, args.cols);
}

#define HEARTH_EMBED(name, format)                                                                 \
    extern "C" __global__ void embed_##name(const unsigned* codes, const unsigned* scales,         \
                                            const ka::StepHeader* step, float* x,                  \
                                            ka::EmbedArgs args) {                                  \
        embed<format>(codes, scales, step, x, args);                                               \
    }
HEARTH_EMBED(f32, ka::weight_format_f32)
HEARTH_EMBED(f16, ka::weight_format_f16)
HEARTH_EMBED(bf16, ka::weight_format_bf16)
HEARTH_EMBED(q8_0, ka::weight_format_q8_0)
HEARTH_EMBED(mxfp4, ka::weight_format_mxfp4)
#undef HEARTH_EMBED
