// Block sizes and work splits shared by the CUDA kernels and the host code that launches them,
// so the two can never disagree. Plain constants: included by nvcc and by g++.
#pragma once

// Functions of the shapes for host and kernel code alike (nvcc needs them marked for both).
#ifdef __CUDACC__
#define HEARTH_SHAPE_FUNCTION __host__ __device__ constexpr
#else
#define HEARTH_SHAPE_FUNCTION constexpr
#endif

namespace hearth::cuda::shapes {

// Threads per block of the kernels that take one block per row, head or token.
inline constexpr unsigned embed_block = 64;
inline constexpr unsigned rms_norm_block = 256;
inline constexpr unsigned rope_block = 64;
inline constexpr unsigned attention_block = 128; // four warps
inline constexpr unsigned combine_block = 64;
inline constexpr unsigned route_block = 64;
inline constexpr unsigned expert_combine_block = 64;
inline constexpr unsigned quantize_block = 256;

// One token's matvec: four warps a block share the columns of four output rows (more rows keep
// more loads in flight). A batch's matmul takes kernel_args.h's matmul_* tile.
inline constexpr unsigned matvec_warps = 4;
inline constexpr unsigned matvec_rows = 4;
// A matvec's grid along x for `rows` output rows.
inline constexpr unsigned matvec_blocks(unsigned long long rows) {
    return static_cast<unsigned>((rows + matvec_rows - 1) / matvec_rows);
}

// One token's attention (decode): a block takes up to attention_heads of the query heads that
// share a KV head, and walks its split's positions in tiles of attention_tile_values floats of
// keys (and as many of values): 4096 / head size positions, at most attention_max_tile. Head
// sizes up to attention_max_head_dim.
inline constexpr unsigned attention_heads = 8;
inline constexpr unsigned attention_tile_values = 4096;
inline constexpr unsigned attention_max_tile = 64;
inline constexpr unsigned attention_max_head_dim = 256;
// A token's blocks along y: its KV head's query heads, attention_heads at a time.
inline HEARTH_SHAPE_FUNCTION unsigned attention_head_chunks(unsigned group) {
    return (group + attention_heads - 1) / attention_heads;
}

// A batch's tiled attention: rows ((token, query head) pairs) per block, positions per shared
// tile, and the head sizes it has kernels for (a row's query and output live in registers), as
// M(head size) each for the kernel files and as a list for the host.
inline constexpr unsigned prefill_attention_rows = 64;
inline constexpr unsigned prefill_attention_tile = 32;
#define HEARTH_FOR_EACH_PREFILL_HEAD_DIM(M) M(16) M(32) M(64)
#define HEARTH_PREFILL_HEAD_DIM_ITEM(head_dim) head_dim,
inline constexpr unsigned prefill_attention_head_dims[] = {
    HEARTH_FOR_EACH_PREFILL_HEAD_DIM(HEARTH_PREFILL_HEAD_DIM_ITEM)};
#undef HEARTH_PREFILL_HEAD_DIM_ITEM

// choose_experts (route_experts and one token's router) keeps every router logit and the chosen
// experts in fixed arrays.
inline constexpr unsigned max_experts = 256;
inline constexpr unsigned max_experts_per_token = 8;

} // namespace hearth::cuda::shapes

#undef HEARTH_SHAPE_FUNCTION
