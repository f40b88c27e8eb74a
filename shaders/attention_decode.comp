#version 450
// One token's attention (a decode step) against the cached keys and values up to its position:
// a workgroup takes the GROUP query heads that share KV head x, over split z's share of the
// positions (split-K). The split that holds the token's own position first writes the token's
// key (rotated by YaRN RoPE) and value into the cache (kv_write.glsl); every split rotates the
// queries it reads itself. So a step needs no rope_kv_write dispatch (a batch's), nor the barrier
// after it. A workgroup walks its share TILE positions at a time through shared memory, so a
// cached key or value is read once for all the heads of the group. Invocation (head g, lane p)
// scores positions p, p + LANES, ... of the tile for head g (several independent dot products,
// and a quarter of the tiles and barriers of one position per lane), then adds the tile's values
// to its own dims p, p + LANES, ... of head g's output, keeping a running (online) softmax.
// Writes, per (head, split), the unnormalised output, the running maximum and the sum. The last
// of a KV head's splits to finish merges them with each head's sink (attention_merge.glsl) into
// the output: a step needs no combining dispatch either.
//
// A step's attention is short and serial, so its time is mostly waiting on memory. Each
// invocation therefore loads its words of the next tile into registers before it scores the
// current one, all of them at once (fetch_tile); the merge reads each split's maximum and sum once
// into shared memory, and then every split's outputs together.
#extension GL_EXT_control_flow_attributes : require
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const uint KV_FORMAT = kv_cache_f32; // kv_layout.glsl
layout(constant_id = 2) const uint GROUP = 8u;               // query heads per KV head
layout(constant_id = 3) const uint LANES = 8u;               // GROUP * LANES <= INVOCATIONS
layout(local_size_x = 64) in;
const uint INVOCATIONS = 64u;
const uint TILE = attention_decode_lane_positions * LANES; // positions per tile
const uint DIMS = (HEAD_DIM + LANES - 1u) / LANES;         // output dims per invocation
// A cached row's words of values (a q8 row's codes; its scale word follows them).
const uint VALUES_PER_WORD =
    KV_FORMAT == kv_cache_q8 ? 4u : (KV_FORMAT == kv_cache_f16 ? 2u : 1u);
const uint ROW_WORDS = HEAD_DIM / VALUES_PER_WORD;
const uint FETCHES = (TILE * ROW_WORDS + INVOCATIONS - 1u) / INVOCATIONS; // words per invocation
// Padded rows: the lanes of a head read keys and scores of different positions in one step, and
// rows of a multiple of 32 words would put them all in one bank of shared memory.
const uint KEY_STRIDE = HEAD_DIM + 1u;
const uint SCORE_STRIDE = TILE + 1u;

// The fused q/k/v projection's output: the query heads, then the key heads, then the values.
layout(std430, binding = 0) readonly buffer Queries { float q[]; };
// Coherent: a workgroup reads back the row it wrote.
layout(std430, binding = 1) coherent buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 2) coherent buffer ValueCache { uint value_cache[]; };
// Per (head, split): HEAD_DIM unnormalised outputs, the running maximum, the sum. Coherent: the
// merging workgroup reads what the others wrote.
layout(std430, binding = 3) coherent buffer Partials { float partials[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };
layout(std430, binding = 5) readonly buffer Sinks { float sinks[]; };
layout(std430, binding = 6) writeonly buffer Output { float result[]; };
// Per KV head: how many of its splits have written their partial results. Zero before a
// dispatch; the merging workgroup sets it back to zero for the next.
layout(std430, binding = 7) coherent buffer Arrivals { uint arrivals[]; };
// Per position: HEAD_DIM / 2 cosines then as many sines, concentration included.
layout(std430, binding = 8) readonly buffer RopeTable { float rope[]; };

layout(push_constant) uniform PushConstants { AttentionArgs args; };

shared float tile_keys[TILE * KEY_STRIDE];
shared float tile_values[TILE * HEAD_DIM];
shared float scores[GROUP * SCORE_STRIDE];
// The merge: each split's running maximum and sum, per head of the group.
shared float split_maxima[GROUP * attention_decode_max_splits];
shared float split_sums[GROUP * attention_decode_max_splits];
shared bool merging;

const float lowest = -3.0e38; // finite, so exp(lowest - m) is 0 rather than NaN

uint key_first; // where this workgroup's key head starts in q
float head_key(uint e) { return q[key_first + e]; }
float head_value(uint e) { return q[key_first + args.kv_head_count * HEAD_DIM + e]; }

#include "attention_merge.glsl"

// `g`: the head's place in the group.
float split_maximum(uint g, uint s) { return split_maxima[g * attention_decode_max_splits + s]; }
float split_sum(uint g, uint s) { return split_sums[g * attention_decode_max_splits + s]; }

#include "kv_write.glsl"

// This invocation's words of the tile being fetched: words t, t + INVOCATIONS, ... of the tile's
// rows laid end to end, and (q8) each word's row scale. Registers, as the loops over them unroll.
uint fetched_keys[FETCHES], fetched_values[FETCHES], key_scales[FETCHES], value_scales[FETCHES];

// Starts loading positions start .. start + count - 1 (count <= TILE) of KV head `kv_head`. No
// load waits for another: the registers are read only by store_tile.
void fetch_tile(uint start, uint count, uint kv_head, uint t) {
    [[unroll]] for (uint k = 0u; k < FETCHES; ++k) {
        uint i = t + k * INVOCATIONS;
        if (i < count * ROW_WORDS) {
            uint row =
                ((start + i / ROW_WORDS) % args.cache_capacity) * args.kv_head_count + kv_head;
            uint at = kv_word_at(row, (i % ROW_WORDS) * VALUES_PER_WORD);
            fetched_keys[k] = key_cache[at];
            fetched_values[k] = value_cache[at];
            bool scaled = KV_FORMAT == kv_cache_q8;
            key_scales[k] = scaled ? key_cache[kv_scale_at(row)] : 0u;
            value_scales[k] = scaled ? value_cache[kv_scale_at(row)] : 0u;
        }
    }
}

// The fetched words of a tile of `count` positions into tile_keys and tile_values, as f32.
void store_tile(uint count, uint t) {
    [[unroll]] for (uint k = 0u; k < FETCHES; ++k) {
        uint i = t + k * INVOCATIONS;
        if (i < count * ROW_WORDS) {
            uint j = i / ROW_WORDS, d = (i % ROW_WORDS) * VALUES_PER_WORD;
            [[unroll]] for (uint e = 0u; e < VALUES_PER_WORD; ++e) {
                tile_keys[j * KEY_STRIDE + d + e] = kv_value(fetched_keys[k], key_scales[k], e);
                tile_values[j * HEAD_DIM + d + e] =
                    kv_value(fetched_values[k], value_scales[k], e);
            }
        }
    }
}

void main() {
    uint kv_head = gl_WorkGroupID.x, split = gl_WorkGroupID.z;
    uint t = gl_LocalInvocationID.x, g = t / LANES, p = t % LANES;
    bool live = g < GROUP;
    uint head = kv_head * GROUP + g;
    uint position = step.first_position;
    uint first = args.window != 0u && position >= args.window ? position - args.window + 1u : 0u;
    // The splits in use: each takes at least decode_split_positions of the positions, so early in
    // a long context most workgroups leave at once, and the merge reads fewer partial results.
    uint attended = position - first + 1u;
    // (At most attention_decode_max_splits, which the merge's shared arrays hold.)
    uint splits = min(min(args.splits, attention_decode_max_splits),
                      (attended + decode_split_positions - 1u) / decode_split_positions);
    if (split >= splits) return; // the whole workgroup, before any barrier
    uint share = (attended + splits - 1u) / splits;
    uint begin = first + split * share;
    uint end = min(position, begin + share - 1u); // empty when begin > position
    uint table = position * HEAD_DIM;

    // Only this split reads the token's own position, so only it needs the row there.
    key_first = (args.head_count + kv_head) * HEAD_DIM;
    if (begin <= position && position <= end) {
        write_kv_row((position % args.cache_capacity) * args.kv_head_count + kv_head, table, t);
        memoryBarrierBuffer();
    }
    barrier();
    // The first tile's loads go out before the queries are rotated; the row written above is
    // already there.
    if (begin <= end) fetch_tile(begin, min(TILE, end + 1u - begin), kv_head, t);

    float query[HEAD_DIM], acc[DIMS];
    for (uint i = 0u; i < pairs; ++i) {
        float a = live ? q[head * HEAD_DIM + i] : 0.0;
        float b = live ? q[head * HEAD_DIM + pairs + i] : 0.0;
        query[i] = rotated(i, table, a, b) * args.scale;
        query[pairs + i] = rotated(pairs + i, table, a, b) * args.scale;
    }
    for (uint k = 0u; k < DIMS; ++k) acc[k] = 0.0;
    float running_max = lowest, running_sum = 0.0;

    for (uint start = begin; start <= end; start += TILE) {
        uint count = min(TILE, end + 1u - start);
        barrier(); // every invocation is done with the previous tile
        store_tile(count, t);
        uint next = start + TILE;
        if (next <= end) fetch_tile(next, min(TILE, end + 1u - next), kv_head, t);
        barrier();
        if (live) {
            for (uint k = 0u; k < attention_decode_lane_positions; ++k) {
                uint j = p + k * LANES;
                if (j >= count) break;
                float score = 0.0;
                for (uint d = 0u; d < HEAD_DIM; ++d) {
                    score += query[d] * tile_keys[j * KEY_STRIDE + d];
                }
                scores[g * SCORE_STRIDE + j] = score;
            }
        }
        barrier();
        if (!live) continue;
        // Every invocation of head g folds the same scores in the same order, so they all keep
        // the same maximum and sum.
        float tile_max = lowest;
        for (uint j = 0u; j < count; ++j) tile_max = max(tile_max, scores[g * SCORE_STRIDE + j]);
        float new_max = max(running_max, tile_max);
        float rescale = exp(running_max - new_max);
        running_sum *= rescale;
        for (uint k = 0u; k < DIMS; ++k) acc[k] *= rescale;
        for (uint j = 0u; j < count; ++j) {
            float weight = exp(scores[g * SCORE_STRIDE + j] - new_max);
            running_sum += weight;
            for (uint k = 0u; k < DIMS; ++k) {
                uint d = p + k * LANES;
                if (d < HEAD_DIM) acc[k] += weight * tile_values[j * HEAD_DIM + d];
            }
        }
        running_max = new_max;
    }
    // A head with none of its positions in this split writes an empty result (sum 0).
    uint head_first = head * args.splits * (HEAD_DIM + 2u);
    uint slot = partial_at(head_first, split);
    if (live) {
        for (uint k = 0u; k < DIMS; ++k) {
            uint d = p + k * LANES;
            if (d < HEAD_DIM) partials[slot + d] = acc[k];
        }
        if (p == 0u) {
            partials[slot + HEAD_DIM] = running_max;
            partials[slot + HEAD_DIM + 1u] = running_sum;
        }
    }
    // Every invocation's writes reach the device before the count says this split is done; the
    // split that completes the count reads them all after it.
    memoryBarrierBuffer();
    barrier();
    if (t == 0u) merging = atomicAdd(arrivals[kv_head], 1u) == splits - 1u;
    barrier();
    if (!merging) return;
    memoryBarrierBuffer();
    if (t == 0u) arrivals[kv_head] = 0u;
    // The lanes of head g read the splits' maxima and sums, a share each, all at once.
    if (live) {
        for (uint s = p; s < splits; s += LANES) {
            uint at = partial_at(head_first, s);
            split_maxima[g * attention_decode_max_splits + s] = partials[at + HEAD_DIM];
            split_sums[g * attention_decode_max_splits + s] = partials[at + HEAD_DIM + 1u];
        }
    }
    barrier();
    if (!live) return;
    float m, denominator;
    merge_weights(g, splits, sinks[head], m, denominator);
    // Split by split, so the loads of all of an invocation's dims go out together.
    float merged[DIMS];
    for (uint k = 0u; k < DIMS; ++k) merged[k] = 0.0;
    for (uint s = 0u; s < splits; ++s) {
        uint at = partial_at(head_first, s);
        float weight = exp(split_maximum(g, s) - m);
        for (uint k = 0u; k < DIMS; ++k) {
            uint d = p + k * LANES;
            if (d < HEAD_DIM) merged[k] += partials[at + d] * weight;
        }
    }
    for (uint k = 0u; k < DIMS; ++k) {
        uint d = p + k * LANES;
        if (d < HEAD_DIM) result[head * HEAD_DIM + d] = merged[k] / denominator;
    }
}
