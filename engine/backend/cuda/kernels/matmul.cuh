// Matrix-matrix products for a prefill batch, in the batch modes of kernel_args.h: the plain
// projections (a row of x per token of the step) and the grouped experts (per expert the entries
// that chose it, listed by group_experts). The tiling is shaders/matmul.comp's: a block computes
// a tile of matmul_tile_rows stored rows by matmul_tile_tokens entries. Each step along the
// columns decodes matmul_tile_k columns of the tile's rows into shared memory once, and copies
// the entries' x there once; every thread then multiplies a 4 x 4 block of them from shared
// memory, with no further global reads and no sum across threads. (A matvec per token group read
// each weight once per eight tokens and each value of x once per row.)
#pragma once

#include "common.cuh"

namespace matmul_tile {
constexpr unsigned threads = ka::matmul_invocations;
constexpr unsigned tokens = ka::matmul_tile_tokens, token_lanes = tokens / 4;
constexpr unsigned rows = ka::matmul_tile_rows, row_lanes = rows / 4;
constexpr unsigned k = ka::matmul_tile_k;
constexpr unsigned runs = row_lanes * k / 8; // (row lane, run of 8 columns) pairs of a step
static_assert(threads == token_lanes * row_lanes, "a thread for every 4 x 4 block of the tile");
} // namespace matmul_tile

// Values col .. col + 7 of stored row `row`, zero past the last column (only the float formats
// have columns that are not a multiple of 32).
template <unsigned Format>
__device__ __forceinline__ void weight_run(const unsigned* codes, const unsigned* scales,
                                           const float* fp4, unsigned long long row, unsigned col,
                                           unsigned cols, float (&v)[8]) {
    const unsigned long long run = row * (cols / 8) + col / 8; // block formats: 4 runs a block
    if constexpr (Format == ka::weight_format_mxfp4) {
        const unsigned q = __ldg(codes + run);
        const float scale =
            e8m0_scale(__ldg(reinterpret_cast<const unsigned char*>(scales) + run / 4));
#pragma unroll
        for (unsigned i = 0; i < 8; ++i)
            v[i] = scale * fp4[(q >> (4 * i)) & 15u];
    } else if constexpr (Format == ka::weight_format_q8_0) {
        const unsigned q[2] = {__ldg(codes + 2 * run), __ldg(codes + 2 * run + 1)};
        const float scale = __uint_as_float(__ldg(scales + run / 4));
#pragma unroll
        for (unsigned i = 0; i < 8; ++i)
            v[i] = scale * float(static_cast<signed char>((q[i / 4] >> (8 * (i % 4))) & 0xFFu));
    } else if constexpr (Format == ka::weight_format_f32) {
#pragma unroll
        for (unsigned i = 0; i < 8; ++i)
            v[i] = col + i < cols ? __uint_as_float(__ldg(codes + row * cols + col + i)) : 0.0f;
    } else {
        // f16 and bf16: rows of cols / 2 words (cols is even).
#pragma unroll
        for (unsigned i = 0; i < 8; i += 2) {
            const unsigned word =
                col + i < cols ? __ldg(codes + row * (cols / 2) + (col + i) / 2) : 0u;
            v[i] = Format == ka::weight_format_f16 ? f16_low(word) : bf16_low(word);
            v[i + 1] = Format == ka::weight_format_f16 ? f16_high(word) : bf16_high(word);
        }
    }
}

// Grid: x: tiles of output rows; y: the expert (grouped modes); z: tiles of entries (the step's
// tokens, or an expert's entries). route: the step's header (plain modes: entries past its count
// have nothing to do) or group_experts' lists (grouped modes). In the gate/up mode a tile's
// stored rows are the gate and up rows of half as many outputs: 4l, 4l + 1 are gate rows
// 2l, 2l + 1 of the tile, and 4l + 2, 4l + 3 their up rows.
template <unsigned Format, unsigned Mode>
__device__ void matmul(const unsigned* codes, const unsigned* scales, const float* bias,
                       const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    using namespace matmul_tile;
    constexpr bool gate_up = Mode == ka::matvec_expert_gate_up_grouped;
    constexpr bool grouped = gate_up || Mode == ka::matvec_expert_down_grouped;
    constexpr unsigned outputs_per_tile = gate_up ? rows / 2 : rows;
    __shared__ float4 weight_tile[k][row_lanes]; // [k][l]: stored rows 4l .. 4l + 3 at column k
    __shared__ float4 x_tile[k][token_lanes];    // [k][l]: entries 4l .. 4l + 3 at column k
    __shared__ float fp4[16];
    const unsigned t = threadIdx.x;
    if constexpr (Format == ka::weight_format_mxfp4) {
        if (t < 16) fp4[t] = fp4_values[t];
        __syncthreads();
    }
    const unsigned first = blockIdx.x * outputs_per_tile;
    if (first >= args.rows) return; // the whole block, so no barrier below is left waiting

    // The entries: how many, and entry e's rows of x and y (e < tokens).
    const unsigned from = blockIdx.z * tokens, expert = grouped ? blockIdx.y : 0;
    const unsigned listed =
        grouped ? route[expert] : reinterpret_cast<const ka::StepHeader*>(route)->count;
    if (from >= listed) return; // the whole block again
    const unsigned entries = min(tokens, listed - from);
    const auto entry_at = [&](unsigned e) {
        return grouped ? route[args.experts + expert * args.group_capacity + from + e] : from + e;
    };
    // Thread t copies x for entries 4l .. 4l + 3, l = t % token_lanes (the last entry's row for
    // those past the count). gate/up reads the token's row of h; down its entry's activations.
    unsigned long long x_rows[4];
#pragma unroll
    for (unsigned j = 0; j < 4; ++j) {
        const unsigned entry = entry_at(min(4 * (t % token_lanes) + j, entries - 1));
        x_rows[j] =
            static_cast<unsigned long long>(gate_up ? entry / args.slots : entry) * args.cols;
    }

    const unsigned long long expert_first =
        static_cast<unsigned long long>(expert) * (gate_up ? 2 : 1) * args.rows;
    const unsigned row_lane = t % row_lanes, token_lane = t / row_lanes;
    float acc[4][4] = {}; // [stored row 4 * row_lane + i][entry 4 * token_lane + j]
    for (unsigned col = 0; col < args.cols; col += k) {
        __syncthreads(); // the previous step's reads of the tiles are done
        // A run of 8 columns of the 4 rows of a lane, clamped into the matrix (rows past the end
        // are not written).
        for (unsigned item = t; item < runs; item += threads) {
            const unsigned l = item % row_lanes, kk = 8 * (item / row_lanes);
            float v[4][8];
#pragma unroll
            for (unsigned j = 0; j < 4; ++j) {
                const unsigned output = gate_up ? first + 2 * l + j % 2 : first + 4 * l + j;
                unsigned long long stored = expert_first + min(output, args.rows - 1);
                if (gate_up && j >= 2) stored += args.rows; // the up rows
                weight_run<Format>(codes, scales, fp4, stored, col + kk, args.cols, v[j]);
            }
#pragma unroll
            for (unsigned i = 0; i < 8; ++i)
                weight_tile[kk + i][l] = make_float4(v[0][i], v[1][i], v[2][i], v[3][i]);
        }
        for (unsigned kk = t / token_lanes; kk < k; kk += threads / token_lanes) {
            const unsigned c = col + kk, at = c < args.cols ? c : 0;
            const float4 values = make_float4(x[x_rows[0] + at], x[x_rows[1] + at],
                                              x[x_rows[2] + at], x[x_rows[3] + at]);
            x_tile[kk][t % token_lanes] = c < args.cols ? values : make_float4(0, 0, 0, 0);
        }
        __syncthreads();
#pragma unroll 8
        for (unsigned kk = 0; kk < k; ++kk) {
            const float4 w4 = weight_tile[kk][row_lane], x4 = x_tile[kk][token_lane];
            const float w[4] = {w4.x, w4.y, w4.z, w4.w}, xs[4] = {x4.x, x4.y, x4.z, x4.w};
#pragma unroll
            for (unsigned i = 0; i < 4; ++i)
#pragma unroll
                for (unsigned j = 0; j < 4; ++j)
                    acc[i][j] += w[i] * xs[j];
        }
    }

#pragma unroll
    for (unsigned j = 0; j < 4; ++j) {
        const unsigned e = 4 * token_lane + j;
        if (e >= entries) break;
        float* out = y + static_cast<unsigned long long>(entry_at(e)) * args.rows;
        if constexpr (gate_up) {
#pragma unroll
            for (unsigned i = 0; i < 2; ++i) {
                const unsigned o = first + 2 * row_lane + i;
                if (o >= args.rows) continue;
                const float gate = acc[i][j] + bias[expert_first + o];
                const float up = acc[i + 2][j] + bias[expert_first + args.rows + o];
                out[o] = swiglu(gate, up, args.swiglu_limit);
            }
        } else {
#pragma unroll
            for (unsigned i = 0; i < 4; ++i) {
                const unsigned o = first + 4 * row_lane + i;
                if (o >= args.rows) continue;
                float sum = acc[i][j] + bias[expert_first + o];
                if constexpr (Mode == ka::matvec_project_add) sum += out[o];
                out[o] = sum;
            }
        }
    }
}

// matmul_<format>_<mode>: the kernels the host launches by name (kernel_names.h).
#define HEARTH_MATMUL(format_name, format, mode_name, mode)                                        \
    HEARTH_PRODUCT_KERNEL(matmul_##format_name##_##mode_name, matmul_tile::threads,                \
                          matmul<format, mode>)

#define HEARTH_MATMUL_FORMAT(format_name, format)                                                  \
    HEARTH_MATMUL(format_name, format, project, ka::matvec_project)                                \
    HEARTH_MATMUL(format_name, format, project_add, ka::matvec_project_add)                        \
    HEARTH_MATMUL(format_name, format, expert_gate_up, ka::matvec_expert_gate_up_grouped)          \
    HEARTH_MATMUL(format_name, format, expert_down, ka::matvec_expert_down_grouped)

HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_MATMUL_FORMAT)
#undef HEARTH_MATMUL_FORMAT
#undef HEARTH_MATMUL
