// Matrix-matrix products for a prefill batch, in the batch modes of kernel_args.h: the plain
// projections (a row of x per token of the step) and the grouped experts (per expert the entries
// that chose it, listed by group_experts). The tiling is shaders/matmul.comp's: a block computes
// a tile of matmul_tile_rows stored rows by matmul_tile_tokens entries. Each step along the
// columns decodes matmul_tile_k columns of the tile's rows into shared memory once, and copies
// the entries' x there once; every thread then multiplies a 4 x 4 block of them from shared
// memory, with no further global reads and no sum across threads (matmul_f32), or each warp
// multiplies 16 of its rows on the tensor cores (matmul_bf16, sm_80 on, MXFP4 and bf16 weights).
// (A matvec per token group read each weight once per eight tokens and each value of x once per
// row.)
#pragma once

#include <cuda_bf16.h>
#include <mma.h>

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

// Which outputs and entries a block's tile covers, where their weights and x are, and how the
// tile's sums become outputs: what both kernels below share. Grid: x: tiles of output rows;
// y: the expert (grouped modes); z: tiles of entries (the step's tokens, or an expert's entries).
// route: the step's header (plain modes: entries past its count have nothing to do) or
// group_experts' lists (grouped modes). In the gate/up mode a tile's stored rows are the gate and
// up rows of half as many outputs: 4l, 4l + 1 are gate rows 2l, 2l + 1 of the tile, and 4l + 2,
// 4l + 3 their up rows.
template <unsigned Mode>
struct MatmulSpan {
    static constexpr bool gate_up = Mode == ka::matvec_expert_gate_up_grouped;
    static constexpr bool grouped = gate_up || Mode == ka::matvec_expert_down_grouped;
    static constexpr unsigned outputs_per_tile =
        gate_up ? matmul_tile::rows / 2 : matmul_tile::rows;

    const unsigned* route;
    ka::MatVecArgs args;
    unsigned first = blockIdx.x * outputs_per_tile;
    unsigned from = blockIdx.z * matmul_tile::tokens, expert = grouped ? blockIdx.y : 0;
    unsigned long long expert_first =
        static_cast<unsigned long long>(expert) * (gate_up ? 2 : 1) * args.rows;
    // The entries listed (the expert's, or the step's tokens), read once; the tile's share.
    unsigned listed =
        grouped ? route[expert] : reinterpret_cast<const ka::StepHeader*>(route)->count;
    unsigned entries = from < listed ? min(matmul_tile::tokens, listed - from) : 0;

    // Whether the block has nothing to do (the same for all its threads, so no barrier after a
    // return on it is left waiting).
    __device__ bool empty() const { return first >= args.rows || entries == 0; }
    __device__ unsigned entry_at(unsigned e) const {
        return grouped ? route[args.experts + expert * args.group_capacity + from + e] : from + e;
    }
    // Entry e's row of x (the last entry's for those past the count): gate/up reads the token's
    // row of h, down its entry's activations.
    __device__ unsigned long long x_row(unsigned e) const {
        const unsigned entry = entry_at(min(e, entries - 1));
        return static_cast<unsigned long long>(gate_up ? entry / args.slots : entry) * args.cols;
    }
    // The matrix row of the tile's stored row 4l + j, clamped into the matrix (rows past the end
    // are computed but not written).
    __device__ unsigned long long stored_row(unsigned l, unsigned j) const {
        const unsigned output = gate_up ? first + 2 * l + j % 2 : first + 4 * l + j;
        unsigned long long stored = expert_first + min(output, args.rows - 1);
        if (gate_up && j >= 2) stored += args.rows; // the up rows
        return stored;
    }
    // Writes sums[i][j] (stored row 4 * row_lane + i, entry 4 * token_lane + j): with the bias,
    // then SwiGLU (gate/up) or the residual (project_add).
    __device__ void write(const float (&sums)[4][4], unsigned row_lane, unsigned token_lane,
                          const float* bias, float* y) const {
        const unsigned count = entries;
#pragma unroll
        for (unsigned j = 0; j < 4; ++j) {
            const unsigned e = 4 * token_lane + j;
            if (e >= count) break;
            float* out = y + static_cast<unsigned long long>(entry_at(e)) * args.rows;
            if constexpr (gate_up) {
#pragma unroll
                for (unsigned i = 0; i < 2; ++i) {
                    const unsigned o = first + 2 * row_lane + i;
                    if (o >= args.rows) continue;
                    const float gate = sums[i][j] + bias[expert_first + o];
                    const float up = sums[i + 2][j] + bias[expert_first + args.rows + o];
                    out[o] = swiglu(gate, up, args.swiglu_limit);
                }
            } else {
#pragma unroll
                for (unsigned i = 0; i < 4; ++i) {
                    const unsigned o = first + 4 * row_lane + i;
                    if (o >= args.rows) continue;
                    float sum = sums[i][j] + bias[expert_first + o];
                    if constexpr (Mode == ka::matvec_project_add) sum += out[o];
                    out[o] = sum;
                }
            }
        }
    }
};

// In f32 on the CUDA cores: every thread multiplies a 4 x 4 block of the tile from shared memory.
template <unsigned Format, unsigned Mode>
__device__ void matmul_f32(const unsigned* codes, const unsigned* scales, const float* bias,
                           const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    using namespace matmul_tile;
    __shared__ float4 weight_tile[k][row_lanes]; // [k][l]: stored rows 4l .. 4l + 3 at column k
    __shared__ float4 x_tile[k][token_lanes];    // [k][l]: entries 4l .. 4l + 3 at column k
    __shared__ float fp4[16];
    const unsigned t = threadIdx.x;
    load_fp4_table<Format>(fp4);
    const MatmulSpan<Mode> span{route, args};
    if (span.empty()) return;
    // Thread t copies x for entries 4l .. 4l + 3, l = t % token_lanes.
    unsigned long long x_rows[4];
#pragma unroll
    for (unsigned j = 0; j < 4; ++j)
        x_rows[j] = span.x_row(4 * (t % token_lanes) + j);

    const unsigned row_lane = t % row_lanes, token_lane = t / row_lanes;
    float acc[4][4] = {}; // [stored row 4 * row_lane + i][entry 4 * token_lane + j]
    for (unsigned col = 0; col < args.cols; col += k) {
        __syncthreads(); // the previous step's reads of the tiles are done
        for (unsigned item = t; item < runs; item += threads) {
            const unsigned l = item % row_lanes, kk = 8 * (item / row_lanes);
            float v[4][8];
#pragma unroll
            for (unsigned j = 0; j < 4; ++j)
                weight_run<Format>(codes, scales, fp4, span.stored_row(l, j), col + kk, args.cols,
                                   v[j]);
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
    span.write(acc, row_lane, token_lane, bias, y);
}

// Declared for every architecture: matmul() names it in a branch that those before sm_80 discard.
template <unsigned Format, unsigned Mode>
__device__ void matmul_bf16(const unsigned* codes, const unsigned* scales, const float* bias,
                            const float* x, float* y, const unsigned* route, ka::MatVecArgs args);

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
// On the tensor cores (sm_80 on): the tile's weights in bf16, which holds MXFP4 and bf16 weights
// exactly, and x as three bf16 parts, each the rounding error of the ones before, whose products
// together keep all 24 bits of an f32 (two parts keep 16: the tiny models' logits then drift 5e-4
// of the largest from the CPU's on a bf16 checkpoint, five times what f32 products do). Each warp
// computes 16 stored rows by the tile's 32 entries, as two 16 x 16 fragments summed in f32; they
// go through shared memory to the threads that write them, as matmul_f32's sums do. Tensor cores
// are reported to truncate, not round, as they add in f32: each step of k columns sums into
// fragments of its own, added to the running ones on the CUDA cores (which round), so no chain
// of truncations runs the length of a row.
namespace matmul_tensor {
namespace wmma = nvcuda::wmma;
using matmul_tile::k, matmul_tile::rows, matmul_tile::tokens, matmul_tile::threads;
constexpr unsigned fragment = 16, warps = threads / 32, parts = 3;
static_assert(rows == fragment * warps && tokens == 2 * fragment && k % fragment == 0);
// Rows of k + 8 bf16: fragments start 32-byte aligned and rows fall in different banks.
constexpr unsigned stride = k + 8, sums_stride = tokens + 4;
} // namespace matmul_tensor

template <unsigned Format, unsigned Mode>
__device__ void matmul_bf16(const unsigned* codes, const unsigned* scales, const float* bias,
                            const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
    using namespace matmul_tensor;
    __shared__ __align__(32) __nv_bfloat16 weight_tile[rows][stride];      // [stored row][column]
    __shared__ __align__(32) __nv_bfloat16 x_parts[parts][tokens][stride]; // [entry][column]
    __shared__ __align__(32) float sums[rows][sums_stride];                // [stored row][entry]
    __shared__ float fp4[16];
    const unsigned t = threadIdx.x, warp = t / 32;
    load_fp4_table<Format>(fp4);
    const MatmulSpan<Mode> span{route, args};
    if (span.empty()) return;
    // Thread t copies 4 columns (4 * (t % 8) on) of entry t / 8's x, and decodes runs of 8
    // columns of two stored rows.
    const unsigned x_entry = t / (k / 4), x_col = 4 * (t % (k / 4));
    const unsigned long long x_row = span.x_row(x_entry);
    static_assert(threads == tokens * (k / 4) && 2 * threads == rows * (k / 8));

    using Sums = wmma::fragment<wmma::accumulator, fragment, fragment, fragment, float>;
    Sums acc[2];
    wmma::fill_fragment(acc[0], 0.0f);
    wmma::fill_fragment(acc[1], 0.0f);
    for (unsigned col = 0; col < args.cols; col += k) {
        __syncthreads(); // the previous step's reads of the tiles are done
        for (unsigned item = t; item < rows * (k / 8); item += threads) {
            const unsigned r = item / (k / 8), run = 8 * (item % (k / 8));
            float v[8];
            weight_run<Format>(codes, scales, fp4, span.stored_row(r / 4, r % 4), col + run,
                               args.cols, v);
#pragma unroll
            for (unsigned i = 0; i < 8; ++i)
                weight_tile[r][run + i] = __float2bfloat16_rn(v[i]);
        }
#pragma unroll
        for (unsigned i = 0; i < 4; ++i) {
            const unsigned c = col + x_col + i;
            float rest = c < args.cols ? x[x_row + c] : 0.0f;
#pragma unroll
            for (unsigned p = 0; p < parts; ++p) {
                const __nv_bfloat16 part = __float2bfloat16_rn(rest);
                x_parts[p][x_entry][x_col + i] = part;
                // Exact (the part is rest rounded), but inf - inf would make the rest NaN.
                const float taken = __bfloat162float(part);
                rest = isinf(taken) ? 0.0f : rest - taken;
            }
        }
        __syncthreads();
        Sums step[2];
        wmma::fill_fragment(step[0], 0.0f);
        wmma::fill_fragment(step[1], 0.0f);
#pragma unroll
        for (unsigned kk = 0; kk < k; kk += fragment) {
            wmma::fragment<wmma::matrix_a, fragment, fragment, fragment, __nv_bfloat16,
                           wmma::row_major>
                w;
            wmma::load_matrix_sync(w, &weight_tile[fragment * warp][kk], stride);
#pragma unroll
            for (unsigned n = 0; n < 2; ++n) {
#pragma unroll
                for (unsigned p = parts; p-- > 0;) { // the smallest first
                    wmma::fragment<wmma::matrix_b, fragment, fragment, fragment, __nv_bfloat16,
                                   wmma::col_major>
                        part;
                    wmma::load_matrix_sync(part, &x_parts[p][fragment * n][kk], stride);
                    wmma::mma_sync(step[n], w, part, step[n]);
                }
            }
        }
        // The same fragment type holds the same elements in the same order in both.
#pragma unroll
        for (unsigned n = 0; n < 2; ++n)
#pragma unroll
            for (int i = 0; i < Sums::num_elements; ++i)
                acc[n].x[i] += step[n].x[i];
    }
#pragma unroll
    for (unsigned n = 0; n < 2; ++n) {
        wmma::store_matrix_sync(&sums[fragment * warp][fragment * n], acc[n], sums_stride,
                                wmma::mem_row_major);
    }
    __syncthreads();
    // The thread layout of matmul_f32's sums, so both write them alike.
    const unsigned row_lane = t % matmul_tile::row_lanes, token_lane = t / matmul_tile::row_lanes;
    float mine[4][4];
#pragma unroll
    for (unsigned i = 0; i < 4; ++i)
#pragma unroll
        for (unsigned j = 0; j < 4; ++j)
            mine[i][j] = sums[4 * row_lane + i][4 * token_lane + j];
    span.write(mine, row_lane, token_lane, bias, y);
}
#endif

// The tensor cores where the GPU has bf16 ones and bf16 holds the weights exactly; f32 elsewhere.
template <unsigned Format, unsigned Mode>
__device__ void matmul(const unsigned* codes, const unsigned* scales, const float* bias,
                       const float* x, float* y, const unsigned* route, ka::MatVecArgs args) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    constexpr bool tensor_cores =
        Format == ka::weight_format_mxfp4 || Format == ka::weight_format_bf16;
#else
    constexpr bool tensor_cores = false;
#endif
    if constexpr (tensor_cores) {
        matmul_bf16<Format, Mode>(codes, scales, bias, x, y, route, args);
    } else {
        matmul_f32<Format, Mode>(codes, scales, bias, x, y, route, args);
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
