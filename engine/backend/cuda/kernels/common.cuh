// Helpers every kernel file uses: warp reductions and the weight formats' decoding
// (layouts in shaders/include/kernel_args.h, written by backend/weight_packing.cpp).
#pragma once

#include <cuda_fp16.h>

#include "kernel_args.h"
#include "launch_shapes.h"

namespace ka = hearth::kernel_args;
namespace shapes = hearth::cuda::shapes;

// M(name, format) for every weight format: the kernel files instantiate a kernel per format by
// name (format_kernel_suffix in kernel_names.h).
#define HEARTH_FOR_EACH_WEIGHT_FORMAT(M)                                                           \
    M(f32, ka::weight_format_f32)                                                                  \
    M(f16, ka::weight_format_f16)                                                                  \
    M(bf16, ka::weight_format_bf16)                                                                \
    HEARTH_FOR_EACH_BLOCK_WEIGHT_FORMAT(M)
// The formats of 32-value blocks with a scale each, which the int8 products take.
#define HEARTH_FOR_EACH_BLOCK_WEIGHT_FORMAT(M)                                                     \
    M(q8_0, ka::weight_format_q8_0)                                                                \
    M(mxfp4, ka::weight_format_mxfp4)

// An extern "C" kernel `name` of `threads` threads a block with the products' parameters (the
// weight's codes and scales, the bias, x, y, the route or step words, the arguments), which calls
// the device function after them (matvec.cuh, matmul.cuh) with them all.
#define HEARTH_PRODUCT_KERNEL(name, threads, ...)                                                  \
    extern "C" __global__ void __launch_bounds__(threads)                                          \
        name(const unsigned* codes, const unsigned* scales, const float* bias, const float* x,     \
             float* y, const unsigned* route, ka::MatVecArgs args) {                               \
        __VA_ARGS__(codes, scales, bias, x, y, route, args);                                       \
    }

// Finite, so exp(lowest - m) is 0 rather than NaN.
constexpr float lowest_score = -3.0e38f;

__device__ __forceinline__ float warp_sum(float value) {
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(0xffffffffu, value, offset);
    return value;
}

__device__ __forceinline__ float warp_max(float value) {
    for (int offset = 16; offset > 0; offset >>= 1)
        value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
    return value;
}

// The sixteen MXFP4 (e2m1) values; the product kernels copy them to shared memory.
__device__ __constant__ float fp4_values[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,
                                                4.0f,  6.0f,  -0.0f, -0.5f, -1.0f, -1.5f,
                                                -2.0f, -3.0f, -4.0f, -6.0f};

// Fills the block's shared `table` with fp4_values for the MXFP4 format (others leave it be),
// before any thread reads it. All the block's threads call it.
template <unsigned Format>
__device__ __forceinline__ void load_fp4_table(float* table) {
    if constexpr (Format == ka::weight_format_mxfp4) {
        if (threadIdx.x < 16) table[threadIdx.x] = fp4_values[threadIdx.x];
        __syncthreads();
    }
}

// 2^(e - 127): an e8m0 block scale byte.
__device__ __forceinline__ float e8m0_scale(unsigned char e) { return ldexpf(1.0f, int(e) - 127); }

__device__ __forceinline__ float bf16_low(unsigned word) { return __uint_as_float(word << 16); }
__device__ __forceinline__ float bf16_high(unsigned word) {
    return __uint_as_float(word & 0xFFFF0000u);
}
__device__ __forceinline__ float f16_low(unsigned word) {
    return __half2float(__ushort_as_half(static_cast<unsigned short>(word & 0xFFFFu)));
}
__device__ __forceinline__ float f16_high(unsigned word) {
    return __half2float(__ushort_as_half(static_cast<unsigned short>(word >> 16)));
}

// Value `col` of stored row `row` of a repacked matrix with `cols` columns.
template <unsigned Format>
__device__ float weight_element(const unsigned* codes, const unsigned* scales,
                                unsigned long long row, unsigned col, unsigned cols) {
    if constexpr (Format == ka::weight_format_f32) {
        return __uint_as_float(codes[row * cols + col]);
    } else if constexpr (Format == ka::weight_format_f16 || Format == ka::weight_format_bf16) {
        const unsigned word = codes[row * (cols / 2) + col / 2];
        if constexpr (Format == ka::weight_format_f16)
            return (col & 1u) == 0 ? f16_low(word) : f16_high(word);
        return (col & 1u) == 0 ? bf16_low(word) : bf16_high(word);
    } else if constexpr (Format == ka::weight_format_q8_0) {
        const unsigned long long block = row * (cols / 32) + col / 32;
        const auto* bytes = reinterpret_cast<const signed char*>(codes);
        return __uint_as_float(scales[block]) * float(bytes[row * cols + col]);
    } else {
        const unsigned long long block = row * (cols / 32) + col / 32;
        const unsigned word = codes[row * (cols / 8) + col / 8];
        const auto* scale_bytes = reinterpret_cast<const unsigned char*>(scales);
        return fp4_values[(word >> (4u * (col & 7u))) & 15u] * e8m0_scale(scale_bytes[block]);
    }
}

// gpt-oss's clamped SwiGLU of a gate and an up value (the CPU's cpu::swiglu).
__device__ __forceinline__ float swiglu(float gate, float up, float limit) {
    constexpr float alpha = 1.702f;
    gate = fminf(gate, limit);
    up = fminf(fmaxf(up, -limit), limit);
    return gate / (1.0f + expf(-alpha * gate)) * (up + 1.0f);
}

// The first position the query at `position` attends to: the last `window` positions (all
// when window is 0).
__device__ __forceinline__ unsigned first_attended(unsigned position, unsigned window) {
    return window != 0 && position >= window ? position - window + 1 : 0;
}

// The step's tokens: a StepHeader, then `count` token ids (kernel_args.h).
__device__ __forceinline__ const unsigned* step_tokens(const ka::StepHeader* step) {
    return reinterpret_cast<const unsigned*>(step + 1);
}
