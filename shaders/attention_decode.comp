#version 450
// One query head of one of the step's tokens (y) against the cached keys and values of its KV
// head up to the token's position, split over `splits` workgroups per head (z, split-K), each
// over its share of the positions. Each
// invocation keeps a running (online) softmax over every 64th position of the share; the
// workgroup merges its 64 partial results into one (maximum, sum, unnormalised output), which
// attention_combine.comp merges across the splits together with the head's sink.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const uint KV_FORMAT = kv_cache_f32; // rope_kv_write.comp's layout
layout(local_size_x = 64) in;

// Per token, the query heads come first in the fused q/k/v projection's output.
layout(std430, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, binding = 1) readonly buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 2) readonly buffer ValueCache { uint value_cache[]; };
// Per (token, head, split): HEAD_DIM unnormalised outputs, the running maximum, the sum.
layout(std430, binding = 3) writeonly buffer Partials { float partials[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { AttentionArgs args; };

shared float query[HEAD_DIM];
shared float partial_max[64];
shared float partial_sum[64];
// Rows padded by one float so the 64 invocations' writes fall in different banks.
shared float partial_out[64 * (HEAD_DIM + 1u)];

const float lowest = -3.0e38; // finite, so exp(lowest - m) is 0 rather than NaN

#include "kv_cache.glsl"

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y, split = gl_WorkGroupID.z;
    if (token >= step.count) return;
    uint t = gl_LocalInvocationID.x;
    uint position = step.first_position + token;
    uint first = args.window != 0u && position >= args.window ? position - args.window + 1u : 0u;
    uint share = (position - first + args.splits) / args.splits; // ceil(count / splits)
    uint begin = first + split * share;
    uint end = min(position, begin + share - 1u); // empty when begin > position
    uint kv_head = head / (args.head_count / args.kv_head_count);

    uint queries = token * (args.head_count + 2u * args.kv_head_count) * HEAD_DIM;
    for (uint d = t; d < HEAD_DIM; d += 64u) query[d] = q[queries + head * HEAD_DIM + d];
    barrier();

    float running_max = lowest, running_sum = 0.0;
    float acc[HEAD_DIM];
    for (uint d = 0u; d < HEAD_DIM; ++d) acc[d] = 0.0;
    for (uint u = begin + t; u <= end; u += 64u) {
        uint row = (u % args.cache_capacity) * args.kv_head_count + kv_head;
        float score = 0.0;
        for (uint d = 0u; d < HEAD_DIM; ++d) score += query[d] * cached_key(row, d);
        score *= args.scale;
        float new_max = max(running_max, score);
        float rescale = exp(running_max - new_max), p = exp(score - new_max);
        running_sum = running_sum * rescale + p;
        for (uint d = 0u; d < HEAD_DIM; ++d) {
            acc[d] = acc[d] * rescale + p * cached_value(row, d);
        }
        running_max = new_max;
    }
    partial_max[t] = running_max;
    partial_sum[t] = running_sum;
    for (uint d = 0u; d < HEAD_DIM; ++d) partial_out[t * (HEAD_DIM + 1u) + d] = acc[d];
    barrier();

    float m = lowest;
    for (uint i = 0u; i < 64u; ++i) m = max(m, partial_max[i]);
    uint slot = ((token * args.head_count + head) * args.splits + split) * (HEAD_DIM + 2u);
    for (uint d = t; d < HEAD_DIM; d += 64u) {
        float sum = 0.0;
        for (uint i = 0u; i < 64u; ++i) {
            sum += partial_out[i * (HEAD_DIM + 1u) + d] * exp(partial_max[i] - m);
        }
        partials[slot + d] = sum;
    }
    if (t == 0u) {
        float total = 0.0;
        for (uint i = 0u; i < 64u; ++i) total += partial_sum[i] * exp(partial_max[i] - m);
        partials[slot + HEAD_DIM] = m;
        partials[slot + HEAD_DIM + 1u] = total;
    }
}
