#version 450
// One query head of the step's token against the cached keys and values of its KV head, with a
// learned sink logit that joins the softmax but has no value. Each invocation keeps a running
// (online) softmax over every 64th position; the workgroup then merges the 64 partial results.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Queries { float q[]; };
layout(std430, binding = 1) readonly buffer KeyCache { float key_cache[]; };
layout(std430, binding = 2) readonly buffer ValueCache { float value_cache[]; };
layout(std430, binding = 3) readonly buffer Sinks { float sinks[]; };
layout(std430, binding = 4) writeonly buffer Output { float result[]; };
layout(std430, binding = 5) readonly buffer Step { StepState step; };

layout(push_constant) uniform PushConstants { AttentionArgs args; };

shared float query[HEAD_DIM];
shared float partial_max[64];
shared float partial_sum[64];
// Rows padded by one float so the 64 invocations' writes fall in different banks.
shared float partial_out[64 * (HEAD_DIM + 1u)];

const float lowest = -3.0e38; // finite, so exp(lowest - m) is 0 rather than NaN

void main() {
    uint head = gl_WorkGroupID.x;
    uint t = gl_LocalInvocationID.x;
    uint position = step.position;
    uint first = args.window != 0u && position >= args.window ? position - args.window + 1u : 0u;
    uint kv_head = head / (args.head_count / args.kv_head_count);
    uint kv_size = args.kv_head_count * HEAD_DIM;

    for (uint d = t; d < HEAD_DIM; d += 64u) query[d] = q[head * HEAD_DIM + d];
    barrier();

    float running_max = lowest, running_sum = 0.0;
    float acc[HEAD_DIM];
    for (uint d = 0u; d < HEAD_DIM; ++d) acc[d] = 0.0;
    for (uint u = first + t; u <= position; u += 64u) {
        uint base = (u % args.cache_capacity) * kv_size + kv_head * HEAD_DIM;
        float score = 0.0;
        for (uint d = 0u; d < HEAD_DIM; ++d) score += query[d] * key_cache[base + d];
        score *= args.scale;
        float new_max = max(running_max, score);
        float rescale = exp(running_max - new_max), p = exp(score - new_max);
        running_sum = running_sum * rescale + p;
        for (uint d = 0u; d < HEAD_DIM; ++d) {
            acc[d] = acc[d] * rescale + p * value_cache[base + d];
        }
        running_max = new_max;
    }
    partial_max[t] = running_max;
    partial_sum[t] = running_sum;
    for (uint d = 0u; d < HEAD_DIM; ++d) partial_out[t * (HEAD_DIM + 1u) + d] = acc[d];
    barrier();

    float sink = sinks[head];
    float m = sink;
    for (uint i = 0u; i < 64u; ++i) m = max(m, partial_max[i]);
    float denominator = exp(sink - m);
    for (uint i = 0u; i < 64u; ++i) denominator += partial_sum[i] * exp(partial_max[i] - m);
    for (uint d = t; d < HEAD_DIM; d += 64u) {
        float sum = 0.0;
        for (uint i = 0u; i < 64u; ++i) sum += partial_out[i * (HEAD_DIM + 1u) + d] * exp(partial_max[i] - m);
        result[head * HEAD_DIM + d] = sum / denominator;
    }
}
