// Matrix-vector products over repacked weights (layouts in kernel_args.h) for one token (a
// batch's products are matmul.cuh's). Each block computes `Rows` output rows: every thread takes
// a share of the columns of all of them (for the block formats a 32-value block per 16-byte load),
// so an x load serves every row; the threads' shares are then added through shared memory and a
// warp's shuffles. All the block's warps sharing a row's columns keeps a lane's chain of loads
// short (a 2880-wide MXFP4 row is 90 blocks: one load a thread, not three a lane) and gives
// matrices of few rows (the router's 32) more than a handful of warps. The mode picks what a
// row's result feeds (kernel_args.h matvec_*): plain, residual add, or the token's chosen experts.
#pragma once

#include "common.cuh"

__device__ __forceinline__ float fp4_block_dot(uint4 q, const float4 (&xs)[8], const float* fp4) {
    const unsigned words[4] = {q.x, q.y, q.z, q.w};
    float sum = 0.0f;
#pragma unroll
    for (unsigned w = 0; w < 4; ++w) {
        const float4 lo = xs[2 * w], hi = xs[2 * w + 1];
        const unsigned v = words[w];
        sum += fp4[v & 15u] * lo.x + fp4[(v >> 4) & 15u] * lo.y + fp4[(v >> 8) & 15u] * lo.z +
               fp4[(v >> 12) & 15u] * lo.w + fp4[(v >> 16) & 15u] * hi.x +
               fp4[(v >> 20) & 15u] * hi.y + fp4[(v >> 24) & 15u] * hi.z + fp4[v >> 28] * hi.w;
    }
    return sum;
}

__device__ __forceinline__ float q8_word_dot(unsigned v, float4 x) {
    return float(static_cast<signed char>(v & 0xFFu)) * x.x +
           float(static_cast<signed char>((v >> 8) & 0xFFu)) * x.y +
           float(static_cast<signed char>((v >> 16) & 0xFFu)) * x.z +
           float(static_cast<signed char>(v >> 24)) * x.w;
}

// Q8_0: a block is two 16-byte loads, low then high.
__device__ __forceinline__ float q8_block_dot(uint4 low, uint4 high, const float4 (&xs)[8]) {
    return q8_word_dot(low.x, xs[0]) + q8_word_dot(low.y, xs[1]) + q8_word_dot(low.z, xs[2]) +
           q8_word_dot(low.w, xs[3]) + q8_word_dot(high.x, xs[4]) + q8_word_dot(high.y, xs[5]) +
           q8_word_dot(high.z, xs[6]) + q8_word_dot(high.w, xs[7]);
}

// This thread's shares of stored rows rows[r] . x, added to acc[r]: the block's threads take
// the columns (or words, or blocks) in turn.
template <unsigned Format, unsigned R>
__device__ void thread_dots(const unsigned* codes, const unsigned* scales, const float* fp4,
                            unsigned cols, const unsigned long long (&rows)[R], const float* x,
                            float (&acc)[R]) {
    constexpr unsigned threads = shapes::matvec_warps * 32;
    const unsigned t = threadIdx.x;
    if constexpr (Format == ka::weight_format_f32) {
        for (unsigned c = t; c < cols; c += threads) {
            const float xi = x[c];
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                acc[r] += __uint_as_float(__ldg(codes + rows[r] * cols + c)) * xi;
        }
    } else if constexpr (Format == ka::weight_format_f16 || Format == ka::weight_format_bf16) {
        const unsigned words = cols / 2;
        for (unsigned i = t; i < words; i += threads) {
            const float2 xi = *reinterpret_cast<const float2*>(x + 2 * i);
#pragma unroll
            for (unsigned r = 0; r < R; ++r) {
                const unsigned word = __ldg(codes + rows[r] * words + i);
                const float2 w = Format == ka::weight_format_f16
                                     ? make_float2(f16_low(word), f16_high(word))
                                     : make_float2(bf16_low(word), bf16_high(word));
                acc[r] += w.x * xi.x + w.y * xi.y;
            }
        }
    } else {
        // Blocks of 32 values; x starts at a multiple of 32 floats (cols is a multiple).
        const unsigned blocks = cols / 32;
        const auto* codes4 = reinterpret_cast<const uint4*>(codes);
        const auto* scale_bytes = reinterpret_cast<const unsigned char*>(scales);
        for (unsigned b = t; b < blocks; b += threads) {
            uint4 low[R], high[R];
            float scale[R];
#pragma unroll
            for (unsigned r = 0; r < R; ++r) {
                const unsigned long long block = rows[r] * blocks + b;
                if constexpr (Format == ka::weight_format_q8_0) {
                    low[r] = __ldg(codes4 + 2 * block);
                    high[r] = __ldg(codes4 + 2 * block + 1);
                    scale[r] = __uint_as_float(__ldg(scales + block));
                } else {
                    low[r] = __ldg(codes4 + block);
                    high[r] = low[r];
                    scale[r] = e8m0_scale(__ldg(scale_bytes + block));
                }
            }
            float4 x4[8];
            const auto* xb = reinterpret_cast<const float4*>(x) + 8ull * b;
#pragma unroll
            for (unsigned k = 0; k < 8; ++k)
                x4[k] = xb[k];
#pragma unroll
            for (unsigned r = 0; r < R; ++r) {
                const float dot = Format == ka::weight_format_q8_0
                                      ? q8_block_dot(low[r], high[r], x4)
                                      : fp4_block_dot(low[r], x4, fp4);
                acc[r] += scale[r] * dot;
            }
        }
    }
}

// Grid: x: blocks of R rows; z: the slot (gate/up). route: route_experts' row (expert modes).
template <unsigned Format, unsigned Mode, unsigned R>
__device__ void matvec(const unsigned* codes, const unsigned* scales, const float* bias,
                       const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    constexpr bool gate_up = Mode == ka::matvec_expert_gate_up;
    constexpr unsigned dot_rows = gate_up ? 2 * R : R; // gate/up: the gate rows, then the up rows
    __shared__ float fp4[16];
    load_fp4_table<Format>(fp4);
    const unsigned warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const unsigned long long first = static_cast<unsigned long long>(blockIdx.x) * R;
    if (first >= args.rows) return; // the whole block
    const unsigned n = min(R, static_cast<unsigned>(args.rows - first));

    // Rows past the matrix repeat its last one: computed, never written.
    float acc[dot_rows] = {};
    unsigned long long rows[dot_rows];
    if constexpr (Mode == ka::matvec_expert_down_add) {
        // The route weights scale the shares, so one sum per row covers every slot.
        for (unsigned s = 0; s < args.slots; ++s) {
            const float weight = __uint_as_float(route[args.slots + s]);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                rows[r] =
                    static_cast<unsigned long long>(route[s]) * args.rows + first + min(r, n - 1);
            float shares[dot_rows] = {};
            thread_dots<Format, dot_rows>(codes, scales, fp4, args.cols, rows,
                                          x + static_cast<unsigned long long>(s) * args.cols,
                                          shares);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                acc[r] += weight * shares[r];
        }
    } else {
        // gate/up: z is the slot; its expert's gate rows, then its up rows.
        const unsigned long long base =
            gate_up ? static_cast<unsigned long long>(route[blockIdx.z]) * 2 * args.rows : 0;
#pragma unroll
        for (unsigned r = 0; r < dot_rows; ++r) {
            const unsigned within = r < R ? r : r - R;
            rows[r] = base + (r < R ? 0 : args.rows) + first + min(within, n - 1);
        }
        thread_dots<Format, dot_rows>(codes, scales, fp4, args.cols, rows, x, acc);
    }
    // The first warp adds up the threads' shares: each lane the warps' at its place, then the
    // lanes' by shuffles.
    __shared__ float thread_shares[dot_rows][shapes::matvec_warps * 32];
#pragma unroll
    for (unsigned r = 0; r < dot_rows; ++r)
        thread_shares[r][threadIdx.x] = acc[r];
    __syncthreads();
    if (warp != 0) return;
#pragma unroll
    for (unsigned r = 0; r < dot_rows; ++r) {
        float sum = 0.0f;
        for (unsigned w = 0; w < shapes::matvec_warps; ++w)
            sum += thread_shares[r][w * 32 + lane];
        acc[r] = warp_sum(sum);
    }
    if (lane != 0) return;

    for (unsigned r = 0; r < n; ++r) {
        const unsigned long long j = first + r;
        if constexpr (Mode == ka::matvec_project) {
            y[j] = acc[r] + bias[j];
        } else if constexpr (Mode == ka::matvec_project_add) {
            y[j] += acc[r] + bias[j];
        } else if constexpr (gate_up) {
            const unsigned long long at =
                static_cast<unsigned long long>(route[blockIdx.z]) * 2 * args.rows;
            const float gate_value = acc[r] + bias[at + j];
            const float up_value = acc[R + r] + bias[at + args.rows + j];
            y[static_cast<unsigned long long>(blockIdx.z) * args.rows + j] =
                swiglu(gate_value, up_value, args.swiglu_limit);
        } else {
            float sum = acc[r];
            for (unsigned s = 0; s < args.slots; ++s) {
                sum += __uint_as_float(route[args.slots + s]) *
                       bias[static_cast<unsigned long long>(route[s]) * args.rows + j];
            }
            y[j] += sum;
        }
    }
}

// matvec_<format>_<mode>: the kernels the host launches by name (kernel_names.h).
#define HEARTH_MATVEC(format_name, format, mode_name, mode)                                        \
    HEARTH_PRODUCT_KERNEL(matvec_##format_name##_##mode_name, shapes::matvec_warps * 32,           \
                          matvec<format, mode, shapes::matvec_rows>)

#define HEARTH_MATVEC_FORMAT(format_name, format)                                                  \
    HEARTH_MATVEC(format_name, format, project, ka::matvec_project)                                \
    HEARTH_MATVEC(format_name, format, project_add, ka::matvec_project_add)                        \
    HEARTH_MATVEC(format_name, format, expert_gate_up, ka::matvec_expert_gate_up)                  \
    HEARTH_MATVEC(format_name, format, expert_down_add, ka::matvec_expert_down_add)

HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_MATVEC_FORMAT)
#undef HEARTH_MATVEC_FORMAT
#undef HEARTH_MATVEC
