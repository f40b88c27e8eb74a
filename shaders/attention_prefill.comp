#version 450
// Attention for a batch of tokens (prefill), tiled. A workgroup (x: the KV head, y: the tile, z:
// the split) takes 64 rows, each a (token, query head) pair of the query heads that share that KV
// head, in the order token * group + head. It walks its split's share of the positions those rows
// attend to once, KEY_TILE at a time through shared memory, so a cached key or value is read once
// per 64 rows instead of once per row. Each invocation owns a row: its query, a running (online)
// softmax and its output, written unnormalised with the running maximum and sum in the layout of
// attention_decode.comp, whose attention_combine.comp pass then merges the splits and the sink.
// Splitting the positions keeps a long context's batch spread over the GPU.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const uint KV_FORMAT = kv_cache_f32; // rope_kv_write.comp's layout
layout(constant_id = 2) const uint KEY_TILE = 32u; // positions per shared-memory tile
layout(local_size_x = 64) in;
const uint ROWS = 64u;

// Per token, the query heads come first in the fused q/k/v projection's output.
layout(std430, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, binding = 1) readonly buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 2) readonly buffer ValueCache { uint value_cache[]; };
// Per (token, head, split): HEAD_DIM unnormalised outputs, the running maximum, the sum.
layout(std430, binding = 3) writeonly buffer Partials { float partials[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { AttentionArgs args; };

shared float tile_keys[KEY_TILE * HEAD_DIM];
shared float tile_values[KEY_TILE * HEAD_DIM];

const float lowest = -3.0e38; // finite, so exp(lowest - m) is 0 rather than NaN

#include "kv_cache.glsl"

// The first position token `token` of the step attends to.
uint first_attended(uint token) {
    uint position = step.first_position + token;
    return args.window != 0u && position >= args.window ? position - args.window + 1u : 0u;
}

void main() {
    uint kv_head = gl_WorkGroupID.x, split = gl_WorkGroupID.z, t = gl_LocalInvocationID.x;
    uint group = args.head_count / args.kv_head_count;
    uint row = gl_WorkGroupID.y * ROWS + t;
    uint first_token = gl_WorkGroupID.y * ROWS / group;
    if (first_token >= step.count) return; // the whole workgroup: the grid covers a full batch
    uint last_token = min((gl_WorkGroupID.y * ROWS + ROWS - 1u) / group, step.count - 1u);
    uint token = row / group, head = kv_head * group + row % group;
    bool live = token < step.count;
    uint position = step.first_position + token, first = first_attended(token);

    float query[HEAD_DIM], acc[HEAD_DIM];
    uint queries = token * (args.head_count + 2u * args.kv_head_count) * HEAD_DIM;
    for (uint d = 0u; d < HEAD_DIM; ++d) {
        query[d] = live ? q[queries + head * HEAD_DIM + d] * args.scale : 0.0;
        acc[d] = 0.0;
    }
    float running_max = lowest, running_sum = 0.0;

    // The split's share of the positions any of the rows attends to (empty past the end).
    uint lowest_first = first_attended(first_token), highest = step.first_position + last_token;
    uint share = (highest - lowest_first + args.splits) / args.splits; // ceil(count / splits)
    uint begin = lowest_first + split * share;
    uint end = min(highest, begin + share - 1u);
    for (uint start = begin; start <= end; start += KEY_TILE) {
        barrier(); // every row is done with the previous tile
        load_kv_tile(start, min(KEY_TILE, end + 1u - start), kv_head, t, ROWS);
        barrier();
        if (!live) continue;

        // The row's own positions within the tile and the split: a runtime range, so no masked
        // position costs work and the compiler keeps the loop rather than unrolling a whole tile.
        uint from = max(first, start), to = min(min(position, end), start + KEY_TILE - 1u);
        for (uint u = from; u <= to; ++u) {
            uint j = (u - start) * HEAD_DIM;
            float score = 0.0;
            for (uint d = 0u; d < HEAD_DIM; ++d) score += query[d] * tile_keys[j + d];
            if (score > running_max) { // rescale only when the maximum moves
                float rescale = exp(running_max - score);
                running_sum *= rescale;
                for (uint d = 0u; d < HEAD_DIM; ++d) acc[d] *= rescale;
                running_max = score;
            }
            float p = exp(score - running_max);
            running_sum += p;
            for (uint d = 0u; d < HEAD_DIM; ++d) acc[d] += p * tile_values[j + d];
        }
    }
    if (!live) return;

    // A row with none of its positions in this split writes an empty result (sum 0).
    uint slot = ((token * args.head_count + head) * args.splits + split) * (HEAD_DIM + 2u);
    for (uint d = 0u; d < HEAD_DIM; ++d) partials[slot + d] = acc[d];
    partials[slot + HEAD_DIM] = running_max;
    partials[slot + HEAD_DIM + 1u] = running_sum;
}
