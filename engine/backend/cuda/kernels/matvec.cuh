// Matrix-vector products over repacked weights (layouts in kernel_args.h), for one token
// (decode) or several (a prefill batch). Each warp computes `Rows` output rows for up to `Tokens`
// entries: every lane takes a share of the columns of all of them (for the block formats a
// 32-value block per 16-byte load), so a weight load serves every entry and an x load every row;
// warp shuffles then add the lanes' shares. The mode picks the entries and what a row's result
// feeds (kernel_args.h matvec_*): plain, residual add, or the experts: one token's chosen experts
// when decoding, or per expert the batch's tokens that chose it (group_experts).
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

// This lane's shares of stored rows rows[r] . the x rows xs[e] (e < entries), added to acc[r][e].
template <unsigned Format, unsigned R, unsigned T>
__device__ void lane_dots(const unsigned* codes, const unsigned* scales, const float* fp4,
                          unsigned cols, const unsigned long long (&rows)[R],
                          const float* const (&xs)[T], unsigned entries, float (&acc)[R][T]) {
    const unsigned lane = threadIdx.x % 32;
    if constexpr (Format == ka::weight_format_f32) {
        for (unsigned c = lane; c < cols; c += 32) {
            float w[R];
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                w[r] = __uint_as_float(__ldg(codes + rows[r] * cols + c));
#pragma unroll
            for (unsigned e = 0; e < T; ++e) {
                if (e >= entries) break;
                const float xi = xs[e][c];
#pragma unroll
                for (unsigned r = 0; r < R; ++r)
                    acc[r][e] += w[r] * xi;
            }
        }
    } else if constexpr (Format == ka::weight_format_f16 || Format == ka::weight_format_bf16) {
        const unsigned words = cols / 2;
        for (unsigned i = lane; i < words; i += 32) {
            float2 w[R];
#pragma unroll
            for (unsigned r = 0; r < R; ++r) {
                const unsigned word = __ldg(codes + rows[r] * words + i);
                w[r] = Format == ka::weight_format_f16
                           ? make_float2(f16_low(word), f16_high(word))
                           : make_float2(bf16_low(word), bf16_high(word));
            }
#pragma unroll
            for (unsigned e = 0; e < T; ++e) {
                if (e >= entries) break;
                const float2 xi = *reinterpret_cast<const float2*>(xs[e] + 2 * i);
#pragma unroll
                for (unsigned r = 0; r < R; ++r)
                    acc[r][e] += w[r].x * xi.x + w[r].y * xi.y;
            }
        }
    } else {
        // Blocks of 32 values; x rows start at multiples of 32 floats (cols is a multiple).
        const unsigned blocks = cols / 32;
        const auto* codes4 = reinterpret_cast<const uint4*>(codes);
        const auto* scale_bytes = reinterpret_cast<const unsigned char*>(scales);
        for (unsigned b = lane; b < blocks; b += 32) {
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
#pragma unroll
            for (unsigned e = 0; e < T; ++e) {
                if (e >= entries) break;
                float4 x4[8];
                const auto* xb = reinterpret_cast<const float4*>(xs[e]) + 8ull * b;
#pragma unroll
                for (unsigned k = 0; k < 8; ++k)
                    x4[k] = xb[k];
#pragma unroll
                for (unsigned r = 0; r < R; ++r) {
                    const float dot = Format == ka::weight_format_q8_0
                                          ? q8_block_dot(low[r], high[r], x4)
                                          : fp4_block_dot(low[r], x4, fp4);
                    acc[r][e] += scale[r] * dot;
                }
            }
        }
    }
}

__device__ __forceinline__ float swiglu(float gate, float up, float limit) {
    constexpr float alpha = 1.702f;
    gate = fminf(gate, limit);
    up = fminf(fmaxf(up, -limit), limit);
    return gate / (1.0f + expf(-alpha * gate)) * (up + 1.0f);
}

// Grid: x: blocks of matvec_warps * R rows; y: the expert (grouped modes); z: the token group
// (project modes in a batch), the slot (one-token gate/up) or the group of an expert's entries.
// route: one-token expert modes: route_experts' row; grouped modes: group_experts' lists.
template <unsigned Format, unsigned Mode, unsigned R, unsigned T>
__device__ void matvec(const unsigned* codes, const unsigned* scales, const float* bias,
                       const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    constexpr bool gate_up =
        Mode == ka::matvec_expert_gate_up || Mode == ka::matvec_expert_gate_up_grouped;
    constexpr bool grouped =
        Mode == ka::matvec_expert_gate_up_grouped || Mode == ka::matvec_expert_down_grouped;
    constexpr unsigned dot_rows = gate_up ? 2 * R : R; // gate/up: the gate rows, then the up rows
    __shared__ float fp4[16];
    if constexpr (Format == ka::weight_format_mxfp4) {
        if (threadIdx.x < 16) fp4[threadIdx.x] = fp4_values[threadIdx.x];
        __syncthreads();
    }
    const unsigned warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const unsigned long long first =
        (static_cast<unsigned long long>(blockIdx.x) * shapes::matvec_warps + warp) * R;
    if (first >= args.rows) return; // the whole warp: the shuffles below see all its lanes
    const unsigned n = min(R, static_cast<unsigned>(args.rows - first));

    // The entries: which rows of x they read and of y they write, and the expert.
    unsigned x_rows[T], y_rows[T], entries = T, expert = 0;
    if constexpr (Mode == ka::matvec_project || Mode == ka::matvec_project_add) {
#pragma unroll
        for (unsigned e = 0; e < T; ++e)
            x_rows[e] = y_rows[e] = blockIdx.z * T + e;
    } else if constexpr (Mode == ka::matvec_expert_gate_up) {
        x_rows[0] = 0;
        y_rows[0] = blockIdx.z; // the slot
        expert = route[blockIdx.z];
    } else if constexpr (grouped) {
        expert = blockIdx.y;
        const unsigned listed = route[expert], from = blockIdx.z * T;
        if (from >= listed) return;
        entries = min(T, listed - from);
#pragma unroll
        for (unsigned e = 0; e < T; ++e) {
            const unsigned entry =
                route[args.experts + expert * args.group_capacity + from + min(e, entries - 1)];
            // gate/up reads the token's row of h; down reads the entry's own activations.
            x_rows[e] = gate_up ? entry / args.slots : entry;
            y_rows[e] = entry;
        }
    }
    const float* xs[T];
#pragma unroll
    for (unsigned e = 0; e < T; ++e)
        xs[e] = x + static_cast<unsigned long long>(x_rows[e < entries ? e : 0]) * args.cols;

    // Rows past the matrix repeat its last one: computed, never written.
    float acc[dot_rows][T] = {};
    unsigned long long rows[dot_rows];
    if constexpr (Mode == ka::matvec_expert_down_add) {
        // One token: the route weights scale the shares, so one sum per row covers every slot.
        for (unsigned s = 0; s < args.slots; ++s) {
            const float weight = __uint_as_float(route[args.slots + s]);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                rows[r] =
                    static_cast<unsigned long long>(route[s]) * args.rows + first + min(r, n - 1);
            const float* slot_x[T];
#pragma unroll
            for (unsigned e = 0; e < T; ++e)
                slot_x[e] = x + static_cast<unsigned long long>(s) * args.cols;
            float shares[dot_rows][T] = {};
            lane_dots<Format, dot_rows, T>(codes, scales, fp4, args.cols, rows, slot_x, 1, shares);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                acc[r][0] += weight * shares[r][0];
        }
    } else {
        const unsigned long long base =
            gate_up ? static_cast<unsigned long long>(expert) * 2 * args.rows
            : Mode == ka::matvec_expert_down_grouped
                ? static_cast<unsigned long long>(expert) * args.rows
                : 0;
#pragma unroll
        for (unsigned r = 0; r < dot_rows; ++r) {
            const unsigned within = r < R ? r : r - R;
            rows[r] = base + (r < R ? 0 : args.rows) + first + min(within, n - 1);
        }
        lane_dots<Format, dot_rows, T>(codes, scales, fp4, args.cols, rows, xs, entries, acc);
    }
#pragma unroll
    for (unsigned r = 0; r < dot_rows; ++r) {
#pragma unroll
        for (unsigned e = 0; e < T; ++e)
            acc[r][e] = warp_sum(acc[r][e]);
    }
    if (lane != 0) return;

    for (unsigned r = 0; r < n; ++r) {
        const unsigned long long j = first + r;
        for (unsigned e = 0; e < entries; ++e) {
            float* out = y + static_cast<unsigned long long>(y_rows[e]) * args.rows + j;
            if constexpr (Mode == ka::matvec_project) {
                *out = acc[r][e] + bias[j];
            } else if constexpr (Mode == ka::matvec_project_add) {
                *out += acc[r][e] + bias[j];
            } else if constexpr (gate_up) {
                const unsigned long long at =
                    static_cast<unsigned long long>(expert) * 2 * args.rows;
                const float gate_value = acc[r][e] + bias[at + j];
                const float up_value = acc[R + r][e] + bias[at + args.rows + j];
                *out = swiglu(gate_value, up_value, args.swiglu_limit);
            } else if constexpr (Mode == ka::matvec_expert_down_grouped) {
                *out = acc[r][e] + bias[static_cast<unsigned long long>(expert) * args.rows + j];
            } else {
                float sum = acc[r][0];
                for (unsigned s = 0; s < args.slots; ++s) {
                    sum += __uint_as_float(route[args.slots + s]) *
                           bias[static_cast<unsigned long long>(route[s]) * args.rows + j];
                }
                y[j] += sum;
            }
        }
    }
}

// matvec_<format>_<mode>: the kernels the host launches by name (kernel_names.h).
#define HEARTH_MATVEC(format_name, format, mode_name, mode, rows, tokens)                          \
    extern "C" __global__ void __launch_bounds__(shapes::matvec_warps * 32)                        \
        matvec_##format_name##_##mode_name(const unsigned* codes, const unsigned* scales,          \
                                           const float* bias, const float* x, float* y,            \
                                           const unsigned* route, ka::MatVecArgs args) {           \
        matvec<format, mode, rows, tokens>(codes, scales, bias, x, y, route, args);                \
    }

#define HEARTH_MATVEC_FORMAT(format_name, format)                                                  \
    HEARTH_MATVEC(format_name, format, project, ka::matvec_project, shapes::matvec_decode_rows, 1) \
    HEARTH_MATVEC(format_name, format, project_add, ka::matvec_project_add,                        \
                  shapes::matvec_decode_rows, 1)                                                   \
    HEARTH_MATVEC(format_name, format, expert_gate_up, ka::matvec_expert_gate_up,                  \
                  shapes::matvec_decode_rows, 1)                                                   \
    HEARTH_MATVEC(format_name, format, expert_down_add, ka::matvec_expert_down_add,                \
                  shapes::matvec_decode_rows, 1)                                                   \
    HEARTH_MATVEC(format_name, format, project_batch, ka::matvec_project,                          \
                  shapes::matvec_batch_rows, shapes::matvec_batch_tokens)                          \
    HEARTH_MATVEC(format_name, format, project_add_batch, ka::matvec_project_add,                  \
                  shapes::matvec_batch_rows, shapes::matvec_batch_tokens)                          \
    HEARTH_MATVEC(format_name, format, expert_gate_up_grouped, ka::matvec_expert_gate_up_grouped,  \
                  shapes::matvec_batch_rows, shapes::matvec_batch_tokens)                          \
    HEARTH_MATVEC(format_name, format, expert_down_grouped, ka::matvec_expert_down_grouped,        \
                  shapes::matvec_batch_rows, shapes::matvec_batch_tokens)

HEARTH_MATVEC_FORMAT(f32, ka::weight_format_f32)
HEARTH_MATVEC_FORMAT(f16, ka::weight_format_f16)
HEARTH_MATVEC_FORMAT(bf16, ka::weight_format_bf16)
HEARTH_MATVEC_FORMAT(q8_0, ka::weight_format_q8_0)
HEARTH_MATVEC_FORMAT(mxfp4, ka::weight_format_mxfp4)
#undef HEARTH_MATVEC_FORMAT
#undef HEARTH_MATVEC
