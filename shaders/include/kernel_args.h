// Push-constant argument structs shared by the host (C++) and the compute shaders (GLSL), so the
// two sides can never disagree on a layout. Only 32-bit scalars: std430 and C++ lay them out alike.
#ifndef HEARTH_KERNEL_ARGS_H
#define HEARTH_KERNEL_ARGS_H

#ifdef __cplusplus
#include <cstdint>
namespace hearth::kernel_args {
using uint = std::uint32_t;
#endif

// f32_vector_add: out[i] = a[i] + b[i] for i < count.
struct VectorAddArgs {
    uint count;
};

// How a weight matrix is laid out on the device after repacking (backend/vulkan/device_weights.h).
// A row is contiguous in `codes` (32-bit words); block formats keep their scales apart.
//   f32: one word per value.  f16, bf16: two values per word, the first in the low half.
//   q8_0: four int8 codes per word, the first in the low byte; one f32 scale per 32 values.
//   mxfp4: eight 4-bit codes per word, the first in the low nibble; one e8m0 scale byte per
//   32 values, four to a word.
const uint weight_format_f32 = 0u;
const uint weight_format_f16 = 1u;
const uint weight_format_bf16 = 2u;
const uint weight_format_q8_0 = 3u;
const uint weight_format_mxfp4 = 4u;

// What a product does with row j's dot product (a specialization constant). On Vulkan the
// matvec shaders take one token's products (the first four modes and route) and matmul.comp a
// batch's (project, project_add and the grouped modes).
const uint matvec_project = 0u;         // y[j] = W[j] . x + b[j]
const uint matvec_project_add = 1u;     // y[j] += W[j] . x + b[j]  (residual connections)
const uint matvec_expert_gate_up = 2u;  // y[slot][j] = swiglu(gate, up) of the slot's expert
const uint matvec_expert_down_add = 3u; // y[j] += sum over slots of weight * (down . x[slot] + b)
// Several tokens (a batch), per expert the entries token * slots + slot that chose it (from
// group_experts.comp): y[entry] = swiglu(gate, up) of h[token]; and y[entry] = down . x[entry] + b
// (expert_combine.comp then adds each token's entries into its residual row).
const uint matvec_expert_gate_up_grouped = 4u;
const uint matvec_expert_down_grouped = 5u;
// One token's router (a matvec shader on Vulkan): y[j] = W[j] . x + b[j], and then the workgroup
// that finishes last chooses the token's experts from y into the route words (route_rank.glsl).
const uint matvec_route = 6u;

// Limits of the matvec shaders' workgroup shape (their ROWS_PER_GROUP and GROUP_SIZE
// specialization constants), which size their shared arrays; the host stays within them.
const uint matvec_max_rows = 8u;
const uint matvec_max_group_size = 128u;
const uint matvec_max_subgroups = 32u;           // per workgroup, in matvec.comp
const uint matvec_portable_max_group_size = 64u; // matvec_portable.comp
// matmul.comp's workgroup (a batch's products): its invocations; the entries (tokens, or an
// expert's entries) and the stored rows of its tile, 4 x 4 of them per invocation; and the
// columns each step decodes into shared memory. group_experts.comp lists the grouped work in
// items of matmul_tile_tokens entries.
const uint matmul_invocations = 256u;
const uint matmul_tile_tokens = 32u;
const uint matmul_tile_rows = 16u * matmul_invocations / matmul_tile_tokens;
const uint matmul_tile_k = 32u;
// rms_norm's largest GROUP_SIZE.
const uint rms_norm_max_group_size = 256u;

struct MatVecArgs {
    uint cols;
    uint rows;  // output rows (per expert: the expert's size for gate/up)
    uint slots; // experts per token (expert modes)
    float swiglu_limit;
    uint experts;        // grouped modes: the model's experts
    uint group_capacity; // grouped modes: room for entries per expert
    float norm_eps;      // one token's products with NORMALIZE_INPUT: the RMSNorm's epsilon
};

struct EmbedArgs {
    uint cols;
};

struct RmsNormArgs {
    uint count;
    float eps;
};

// The tokens of a step, read by the shaders from a small host-written buffer so that one
// recorded command list serves every step: `count` tokens at positions first_position,
// first_position + 1, ...; their ids follow this header in the buffer (GLSL: step_tokens[]).
// The shaders that work per token take the token's index from a workgroup coordinate, and
// activations hold one row per token.
struct StepHeader {
    uint first_position;
    uint count;
};

// How a layer's KV cache holds a (position, KV head) row of head_dim values (the KV_FORMAT
// specialization constant of rope_kv_write and attention):
//   f32: one word per value.  f16: two values per word, the first in the low half.
//   q8: head_dim / 4 words of int8 codes (the first in the low byte), then one f32 scale word:
//   value = code * scale, the scale the row's largest magnitude / 127.
const uint kv_cache_f32 = 0u;
const uint kv_cache_f16 = 1u;
const uint kv_cache_q8 = 2u;

struct RopeKvArgs {
    uint head_count;
    uint kv_head_count;
    uint cache_capacity; // positions a layer's cache holds (a ring when smaller than the context)
};

struct AttentionArgs {
    uint head_count;
    uint kv_head_count;
    uint cache_capacity;
    uint window; // attend to the last `window` positions only; 0: all of them
    float scale;
    uint splits; // workgroups per head, each over its share of the positions (split-K)
};
// The fewest positions one token's attention gives a split: the host splits a cache this finely
// (up to its most splits), and a step whose positions are fewer uses fewer of the splits.
const uint decode_split_positions = 32u;
// Positions each lane of one token's attention scores per tile (a tile: this many per lane).
const uint attention_decode_lane_positions = 4u;
// The most splits one token's attention takes per head (its merge keeps their maxima and sums in
// shared memory).
const uint attention_decode_max_splits = 32u;

// attention_combine: the splits' partial results of each head, merged with the sink.
struct AttentionCombineArgs {
    uint splits;
};

struct RouteArgs {
    uint experts;
    uint chosen; // experts per token
};

// group_experts: a batch's route rows (2 * slots words per token) turned into per-expert lists:
// groups[expert] = its entry count, then from groups[experts + expert * capacity] its entries.
// Vulkan's also lists matmul.comp's grouped work after them, one word per tokens_per_group
// entries of an expert: at groups[experts * (1 + capacity)] the count, then expert << 16 | the
// group's index within the expert's list.
struct GroupExpertsArgs {
    uint experts;
    uint slots;
    uint capacity;         // entries per expert list (the batch's tokens)
    uint tokens_per_group; // entries a matmul.comp workgroup takes
};

// expert_combine: x[token] += the weighted rows of the grouped down projection.
struct ExpertCombineArgs {
    uint cols; // the hidden size
    uint slots;
};

// sample_partials, sample_cut, sample_kept, then sample_pick: the next token drawn from the
// logits on the device, so only its id goes back to the host. sample_partials' workgroup g
// covers ids [g * chunk, + chunk) and writes partials[g], 4 words: the largest usable logit, the
// sum of exp((logit - largest) / temperature) over its usable ids, and the best id (the lower id
// on ties) with its logit. sample_cut (one workgroup) writes partials[groups]: the largest logit
// of all, the total weight relative to it, and the cut: with top-p below 1, the lowest logit
// kept (the most likely tokens whose weights reach top_p of the total, every tie at the last
// one with them), else -infinity. sample_kept turns each partials[g].y into the weight of the
// chunk's kept ids (logit >= cut, weight >= min_p) relative to the largest logit of all.
// sample_pick (one workgroup) draws among the kept ids in id order, as the host sampler does.
const uint sample_group_size = 128u;
const uint sample_cut_max_group_size = 1024u; // sample_cut's CUT_GROUP_SIZE
const uint sample_max_groups = 256u;           // sample_partials workgroups, at most
struct SampleArgs {
    uint vocab;
    uint chunk;  // ids per sample_partials workgroup
    uint groups; // sample_partials workgroups
};
// The draw of one step, in a host-written buffer: it changes every token while the recorded
// push constants cannot.
struct SampleDraw {
    float temperature; // 0: the most likely token
    float random;      // the caller's random number in [0, 1)
    float top_p;       // 1: no cut
    float min_p;       // 0: none; else ids whose weight relative to the best is below it are left
};

// bandwidth_read: reads `count` 16-byte words.
struct BandwidthReadArgs {
    uint count;
    uint unlikely; // a value the folded words are compared with, so the reads stay
};

#ifdef __cplusplus
static_assert(sizeof(VectorAddArgs) == 4);
static_assert(sizeof(MatVecArgs) == 28);
static_assert(sizeof(AttentionArgs) == 24);
} // namespace hearth::kernel_args
#endif

#endif
