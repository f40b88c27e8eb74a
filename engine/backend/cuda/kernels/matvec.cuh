// Matrix-vector products over repacked weights (layouts in kernel_args.h) for one token (a
// batch's products are matmul.cuh's). Each block computes `Rows` output rows: every thread takes
// a share of the columns of all of them (for the block formats a 32-value block per 16-byte load),
// so an x load serves every row; the threads' shares are then added through shared memory and a
// warp's shuffles. All the block's warps sharing a row's columns keeps a lane's chain of loads
// short (a 2880-wide MXFP4 row is 90 blocks: one load a thread, not three a lane) and gives
// matrices of few rows (the router's 32) more than a handful of warps. The mode picks what a
// row's result feeds (kernel_args.h matvec_*): plain, residual add, or the token's chosen experts.
// x is f32, or for the block formats' expert products int8 codes (quantize_q8.cuh), whose dots
// with a block's codes are exact integer sums of four products an instruction (__dp4a). The
// products that follow an RMSNorm (q/k/v, the router, gate/up, the unembedding) take x through it
// as they read it (matvec_norm_*): the gains multiply x, the sum of x^2 comes from the same loads,
// and 1 / rms(x) scales the sums, so a step launches no norm kernel. Over int8 x, the router
// writes gate/up's codes and gate/up down's (the *_quantizing kernels), so neither needs a
// quantize_q8 launch.
#pragma once

#include "common.cuh"
#include "experts.cuh"
#include "quantize_q8.cuh"

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

// Four MXFP4 codes (the low 16 bits, the first lowest) as the bytes of their values doubled
// (whole numbers, -12 to 12), the first lowest: byte permutes pick each code's magnitude (its low
// three bits) from the positive values and from the negative ones, and its sign bit chooses.
__device__ __forceinline__ unsigned fp4_doubled_bytes(unsigned codes) {
    const unsigned positive = __byte_perm(0x03020100u, 0x0C080604u, codes); // 0 1 2 3 4 6 8 12
    const unsigned negative = __byte_perm(0xFDFEFF00u, 0xF4F8FAFCu, codes); // their negatives
    const unsigned sign_bytes = __byte_perm(0x0000FF00u, 0u, (codes >> 3) & 0x1111u); // 0 or FF
    return (positive & ~sign_bytes) | (negative & sign_bytes);
}

// x as f32 values: value c, the pair of values 2i and 2i + 1, or a block's 32 as eight float4.
struct F32Input {
    static constexpr bool int8 = false, normalizing = false;
    struct Block {
        float4 values[8];
    };
    const float* values;
    // x from value `offset` on.
    __device__ F32Input from(unsigned long long offset) const { return {values + offset}; }
    __device__ float value(unsigned c) const { return values[c]; }
    __device__ float2 pair(unsigned i) const { return reinterpret_cast<const float2*>(values)[i]; }
    __device__ Block block(unsigned b) const {
        Block block;
        const auto* first = reinterpret_cast<const float4*>(values) + 8ull * b;
#pragma unroll
        for (unsigned k = 0; k < 8; ++k)
            block.values[k] = first[k];
        return block;
    }
};

__device__ __forceinline__ float4 times(float4 a, float4 b) {
    return make_float4(a.x * b.x, a.y * b.y, a.z * b.z, a.w * b.w);
}

// x times the RMSNorm's gains, as read: the thread adds the squares of the values of x it reads to
// `squares`, and the block scales its sums by 1 / rms(x) after (matvec_over).
struct NormalizingInput {
    static constexpr bool int8 = false, normalizing = true;
    using Block = F32Input::Block;
    F32Input x, gain;
    float squares = 0.0f;
    __device__ float value(unsigned c) {
        const float v = x.value(c);
        squares += v * v;
        return v * gain.value(c);
    }
    __device__ float2 pair(unsigned i) {
        const float2 v = x.pair(i), g = gain.pair(i);
        squares += v.x * v.x + v.y * v.y;
        return make_float2(v.x * g.x, v.y * g.y);
    }
    __device__ Block block(unsigned b) {
        Block values = x.block(b);
        const Block gains = gain.block(b);
#pragma unroll
        for (unsigned k = 0; k < 8; ++k) {
            const float4 v = values.values[k];
            squares += v.x * v.x + v.y * v.y + v.z * v.z + v.w * v.w;
            values.values[k] = times(v, gains.values[k]);
        }
        return values;
    }
};

// x as quantize_q8.cuh leaves it: four int8 codes a word and an f32 scale per 32-value block.
struct Int8Input {
    static constexpr bool int8 = true, normalizing = false;
    struct Block {
        uint4 low, high; // its 32 codes
        float scale;
    };
    const unsigned* codes;
    const float* scales;
    // x from value `offset` (a multiple of 32) on.
    __device__ Int8Input from(unsigned long long offset) const {
        return {codes + offset / 4, scales + offset / 32};
    }
    __device__ Block block(unsigned b) const {
        const auto* first = reinterpret_cast<const uint4*>(codes) + 2ull * b;
        return {first[0], first[1], scales[b]};
    }
};

// A 32-value block of a row (Q8_0: two 16-byte loads, low then high; MXFP4: one, in low) . x's
// block, before the row's block scale.
template <unsigned Format>
__device__ __forceinline__ float block_dot(uint4 low, uint4 high, const F32Input::Block& x,
                                           const float* fp4) {
    return Format == ka::weight_format_q8_0 ? q8_block_dot(low, high, x.values)
                                            : fp4_block_dot(low, x.values, fp4);
}
template <unsigned Format>
__device__ __forceinline__ float block_dot(uint4 low, uint4 high, const Int8Input::Block& x,
                                           const float*) {
    const unsigned row[8] = {low.x, low.y, low.z, low.w, high.x, high.y, high.z, high.w};
    const unsigned xs[8] = {x.low.x,  x.low.y,  x.low.z,  x.low.w,
                            x.high.x, x.high.y, x.high.z, x.high.w};
    int dot = 0;
    if constexpr (Format == ka::weight_format_q8_0) {
#pragma unroll
        for (unsigned w = 0; w < 8; ++w)
            dot = __dp4a(static_cast<int>(row[w]), static_cast<int>(xs[w]), dot);
        return x.scale * float(dot);
    } else {
        // A word holds eight codes: x's words 2w and 2w + 1.
#pragma unroll
        for (unsigned w = 0; w < 4; ++w) {
            dot = __dp4a(static_cast<int>(fp4_doubled_bytes(row[w])), static_cast<int>(xs[2 * w]),
                         dot);
            dot = __dp4a(static_cast<int>(fp4_doubled_bytes(row[w] >> 16)),
                         static_cast<int>(xs[2 * w + 1]), dot);
        }
        return 0.5f * x.scale * float(dot); // the values were doubled
    }
}

// This thread's shares of stored rows rows[r] . x, added to acc[r]: the block's threads take
// the columns (or words, or blocks) in turn, each read of x once.
template <unsigned Format, unsigned R, typename X>
__device__ void thread_dots(const unsigned* codes, const unsigned* scales, const float* fp4,
                            unsigned cols, const unsigned long long (&rows)[R], X& x,
                            float (&acc)[R]) {
    static_assert(!X::int8 || Format == ka::weight_format_q8_0 || Format == ka::weight_format_mxfp4,
                  "int8 x has 32-value blocks for the block formats' rows");
    constexpr unsigned threads = shapes::matvec_warps * 32;
    const unsigned t = threadIdx.x;
    if constexpr (Format == ka::weight_format_f32) {
        for (unsigned c = t; c < cols; c += threads) {
            const float xi = x.value(c);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                acc[r] += __uint_as_float(__ldg(codes + rows[r] * cols + c)) * xi;
        }
    } else if constexpr (Format == ka::weight_format_f16 || Format == ka::weight_format_bf16) {
        const unsigned words = cols / 2;
        for (unsigned i = t; i < words; i += threads) {
            const float2 xi = x.pair(i);
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
            const auto xb = x.block(b);
#pragma unroll
            for (unsigned r = 0; r < R; ++r)
                acc[r] += scale[r] * block_dot<Format>(low[r], high[r], xb, fp4);
        }
    }
}

// Grid: x: blocks of R rows; z: the slot (gate/up). route: route_experts' row (expert modes).
template <unsigned Format, unsigned Mode, unsigned R, typename X>
__device__ void matvec_over(const unsigned* codes, const unsigned* scales, const float* bias, X x,
                            float* y, const unsigned* route, ka::MatVecArgs args) {
    constexpr bool gate_up = Mode == ka::matvec_expert_gate_up;
    constexpr unsigned dot_rows = gate_up ? 2 * R : R; // gate/up: the gate rows, then the up rows
    // Down's slots each read a row of x of their own: none follows the norm.
    static_assert(!X::normalizing || Mode == ka::matvec_project || Mode == ka::matvec_route ||
                      gate_up,
                  "only the plain projection, the router and gate/up take x through the norm");
    __shared__ float fp4[16];
    if constexpr (!X::int8) load_fp4_table<Format>(fp4); // int8 x takes MXFP4 codes as bytes
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
            auto slot_x = x.from(static_cast<unsigned long long>(s) * args.cols);
            thread_dots<Format, dot_rows>(codes, scales, fp4, args.cols, rows, slot_x, shares);
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
    // The first warp adds up the threads' shares (and when normalizing, their squares of x last):
    // each lane the warps' at its place, then the lanes' by shuffles.
    constexpr unsigned sums = dot_rows + (X::normalizing ? 1 : 0);
    __shared__ float thread_shares[sums][shapes::matvec_warps * 32];
#pragma unroll
    for (unsigned r = 0; r < dot_rows; ++r)
        thread_shares[r][threadIdx.x] = acc[r];
    if constexpr (X::normalizing) thread_shares[dot_rows][threadIdx.x] = x.squares;
    __syncthreads();
    if (warp != 0) return;
    float total[sums];
#pragma unroll
    for (unsigned r = 0; r < sums; ++r) {
        float sum = 0.0f;
        for (unsigned w = 0; w < shapes::matvec_warps; ++w)
            sum += thread_shares[r][w * 32 + lane];
        total[r] = warp_sum(sum);
    }
    if (lane != 0) return;
    // The norm's 1 / rms(x), which the sums of gain * x still lack.
    float inverse = 1.0f;
    if constexpr (X::normalizing) {
        inverse = 1.0f / sqrtf(total[dot_rows] / float(args.cols) + args.norm_eps);
    }
#pragma unroll
    for (unsigned r = 0; r < dot_rows; ++r)
        acc[r] = inverse * total[r];

    for (unsigned r = 0; r < n; ++r) {
        const unsigned long long j = first + r;
        if constexpr (Mode == ka::matvec_project || Mode == ka::matvec_route) {
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

// One token's router: its logits (args.rows of them) as a plain projection, then the block that
// finishes last, once every block's logits have reached the device, chooses args.slots experts
// from them into `route` (experts.cuh), so a step launches no route_experts. `arrivals` counts
// the blocks done: zero before a launch, and set back to zero by the last.
template <unsigned Format, typename X>
__device__ void route_over(const unsigned* codes, const unsigned* scales, const float* bias, X x,
                           float* logits, unsigned* route, unsigned* arrivals,
                           ka::MatVecArgs args) {
    matvec_over<Format, ka::matvec_route, shapes::matvec_rows>(codes, scales, bias, x, logits,
                                                               route, args);
    __shared__ bool last_to_finish;
    __threadfence(); // the logits written above, before their block is counted
    __syncthreads();
    if (threadIdx.x == 0) last_to_finish = atomicAdd(arrivals, 1u) == gridDim.x - 1;
    __syncthreads();
    if (!last_to_finish) return;
    __threadfence();
    if (threadIdx.x == 0) *arrivals = 0;
    choose_experts(logits, route, args.rows, args.slots);
}

// One token's router through the norm that also writes gate/up's int8 x: each block the codes of
// its share of the normalized x's blocks, before it routes.
template <unsigned Format>
__device__ void route_quantizing(const unsigned* codes, const unsigned* scales, const float* bias,
                                 const float* x, const float* gain, float* logits, unsigned* route,
                                 unsigned* arrivals, unsigned* x_codes, float* x_scales,
                                 ka::MatVecArgs args) {
    quantize_normalized_share(x, gain, x_codes, x_scales, args);
    route_over<Format>(codes, scales, bias, NormalizingInput{x, gain}, logits, route, arrivals,
                       args);
}

// gate/up over int8 x that also writes down's int8 x: each block counts the rows it wrote into
// their 32-row block of the slot's output, and the block that completes one, once every row of it
// has reached the device, writes its codes and scale. `arrivals`: per slot per 32-row block
// (args.rows a multiple of 32), zero before a launch and set back to zero by the completing block.
template <unsigned Format>
__device__ void gate_up_quantizing(const unsigned* codes, const unsigned* scales, const float* bias,
                                   const unsigned* x_codes, const float* x_scales, float* y,
                                   const unsigned* route, unsigned* arrivals, unsigned* y_codes,
                                   float* y_scales, ka::MatVecArgs args) {
    constexpr unsigned R = shapes::matvec_rows;
    static_assert(32 % R == 0, "a block's rows lie in one 32-row block");
    matvec_over<Format, ka::matvec_expert_gate_up, R>(codes, scales, bias,
                                                      Int8Input{x_codes, x_scales}, y, route, args);
    const unsigned first = blockIdx.x * R, written = min(R, args.rows - first);
    const unsigned long long block =
        static_cast<unsigned long long>(blockIdx.z) * (args.rows / 32) + first / 32;
    __shared__ bool completes;
    __threadfence(); // the rows written above, before they are counted
    __syncthreads();
    if (threadIdx.x == 0) completes = atomicAdd(arrivals + block, written) + written == 32;
    __syncthreads();
    if (!completes || threadIdx.x >= 32) return; // the first warp quantizes: 8 words
    __threadfence();
    if (threadIdx.x == 0) arrivals[block] = 0;
    const auto* values = reinterpret_cast<const float4*>(y) + 8 * block;
    quantize_words([&](unsigned w) { return __ldcg(values + w); }, 8, y_codes + 8 * block,
                   y_scales + block);
}

template <unsigned Format, unsigned Mode, unsigned R>
__device__ void matvec(const unsigned* codes, const unsigned* scales, const float* bias,
                       const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    matvec_over<Format, Mode, R>(codes, scales, bias, F32Input{x}, y, route, args);
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

// One token's products whose input is two arrays, Input{first, second}: x and the norm's gains,
// or int8 codes and their scales.
#define HEARTH_MATVEC_PAIR(name, format, mode, Input, First, Second)                               \
    extern "C" __global__ void __launch_bounds__(shapes::matvec_warps * 32)                        \
        name(const unsigned* codes, const unsigned* scales, const float* bias, const First* first, \
             const Second* second, float* y, const unsigned* route, ka::MatVecArgs args) {         \
        matvec_over<format, mode, shapes::matvec_rows>(codes, scales, bias, Input{first, second},  \
                                                       y, route, args);                            \
    }

// matvec_norm_<format>_<mode>: the products that follow an RMSNorm, over x and the norm's gains
// (args.norm_eps its epsilon).
#define HEARTH_MATVEC_NORM_FORMAT(format_name, format)                                             \
    HEARTH_MATVEC_PAIR(matvec_norm_##format_name##_project, format, ka::matvec_project,            \
                       NormalizingInput, float, float)                                             \
    HEARTH_MATVEC_PAIR(matvec_norm_##format_name##_expert_gate_up, format,                         \
                       ka::matvec_expert_gate_up, NormalizingInput, float, float)
HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_MATVEC_NORM_FORMAT)
#undef HEARTH_MATVEC_NORM_FORMAT

// matvec_int8_<format>_<mode>: the expert products over int8 x, its codes and their scales in
// place of the f32 x; and gate/up writing down's int8 x (gate_up_quantizing).
#define HEARTH_MATVEC_INT8_FORMAT(format_name, format)                                             \
    HEARTH_MATVEC_PAIR(matvec_int8_##format_name##_expert_gate_up, format,                         \
                       ka::matvec_expert_gate_up, Int8Input, unsigned, float)                      \
    HEARTH_MATVEC_PAIR(matvec_int8_##format_name##_expert_down_add, format,                        \
                       ka::matvec_expert_down_add, Int8Input, unsigned, float)                     \
    extern "C" __global__ void __launch_bounds__(shapes::matvec_warps * 32)                        \
        matvec_int8_##format_name##_expert_gate_up_quantizing(                                     \
            const unsigned* codes, const unsigned* scales, const float* bias,                      \
            const unsigned* x_codes, const float* x_scales, float* y, const unsigned* route,       \
            unsigned* arrivals, unsigned* y_codes, float* y_scales, ka::MatVecArgs args) {         \
        gate_up_quantizing<format>(codes, scales, bias, x_codes, x_scales, y, route, arrivals,     \
                                   y_codes, y_scales, args);                                       \
    }
HEARTH_FOR_EACH_BLOCK_WEIGHT_FORMAT(HEARTH_MATVEC_INT8_FORMAT)
#undef HEARTH_MATVEC_INT8_FORMAT
#undef HEARTH_MATVEC_PAIR

// matvec_norm_<format>_route: one token's router, through the norm with its gains (route_over);
// and ..._route_quantizing, which also writes the normalized x's int8 codes (route_quantizing).
#define HEARTH_ROUTE_FORMAT(format_name, format)                                                   \
    extern "C" __global__ void __launch_bounds__(shapes::matvec_warps * 32)                        \
        matvec_norm_##format_name##_route_quantizing(                                              \
            const unsigned* codes, const unsigned* scales, const float* bias, const float* x,      \
            const float* gain, float* logits, unsigned* route, unsigned* arrivals,                 \
            unsigned* x_codes, float* x_scales, ka::MatVecArgs args) {                             \
        route_quantizing<format>(codes, scales, bias, x, gain, logits, route, arrivals, x_codes,   \
                                 x_scales, args);                                                  \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(shapes::matvec_warps * 32)                        \
        matvec_norm_##format_name##_route(const unsigned* codes, const unsigned* scales,           \
                                          const float* bias, const float* x, const float* gain,    \
                                          float* logits, unsigned* route, unsigned* arrivals,      \
                                          ka::MatVecArgs args) {                                   \
        route_over<format>(codes, scales, bias, NormalizingInput{x, gain}, logits, route,          \
                           arrivals, args);                                                        \
    }
HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_ROUTE_FORMAT)
#undef HEARTH_ROUTE_FORMAT
