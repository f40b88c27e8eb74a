// out = gain * x / sqrt(mean(x^2) + eps), one block of rms_norm_block threads per row (token).
#pragma once

#include "common.cuh"

// 1 / sqrt(mean(x^2) + eps) of the row of args.count values at `row`, summed over the block
// (whole warps), every thread of which calls it, once a kernel: its shared sums are not waited on
// again before a second call could overwrite them.
__device__ float row_inverse_rms(const float* row, ka::RmsNormArgs args) {
    __shared__ float partial[32]; // a warp's each, for blocks of up to 1024 threads
    const unsigned t = threadIdx.x, warps = blockDim.x / 32;
    float sum = 0.0f;
    for (unsigned i = t; i < args.count; i += blockDim.x)
        sum += row[i] * row[i];
    sum = warp_sum(sum);
    if (t % 32 == 0) partial[t / 32] = sum;
    __syncthreads();
    float total = 0.0f;
    for (unsigned w = 0; w < warps; ++w)
        total += partial[w];
    return 1.0f / sqrtf(total / float(args.count) + args.eps);
}

extern "C" __global__ void __launch_bounds__(shapes::rms_norm_block)
    f32_rms_norm(const float* x, const float* gain, float* out, ka::RmsNormArgs args) {
    const unsigned t = threadIdx.x;
    const unsigned long long row = static_cast<unsigned long long>(blockIdx.x) * args.count;
    const float inverse = row_inverse_rms(x + row, args);
    for (unsigned i = t; i < args.count; i += shapes::rms_norm_block)
        out[row + i] = gain[i] * (x[row + i] * inverse);
}
