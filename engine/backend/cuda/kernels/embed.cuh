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
HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_EMBED)
#undef HEARTH_EMBED
