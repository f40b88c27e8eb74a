#version 450
// YaRN RoPE (half-split pairs) on the step's query heads in place and on its key heads, which go
// into the layer's cache with the value heads. One workgroup per head: queries, then keys.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) buffer Queries { float q[]; };
layout(std430, binding = 1) readonly buffer Keys { float k[]; };
layout(std430, binding = 2) readonly buffer Values { float v[]; };
// Per position: HEAD_DIM / 2 cosines then as many sines, concentration included.
layout(std430, binding = 3) readonly buffer RopeTable { float rope[]; };
layout(std430, binding = 4) writeonly buffer KeyCache { float key_cache[]; };
layout(std430, binding = 5) writeonly buffer ValueCache { float value_cache[]; };
layout(std430, binding = 6) readonly buffer Step { StepState step; };

layout(push_constant) uniform PushConstants { RopeKvArgs args; };

void main() {
    const uint pairs = HEAD_DIM / 2u;
    uint head = gl_WorkGroupID.x;
    uint table = step.position * HEAD_DIM;
    if (head < args.head_count) {
        uint base = head * HEAD_DIM;
        for (uint i = gl_LocalInvocationID.x; i < pairs; i += 64u) {
            float c = rope[table + i], s = rope[table + pairs + i];
            float a = q[base + i], b = q[base + pairs + i];
            q[base + i] = a * c - b * s;
            q[base + pairs + i] = b * c + a * s;
        }
        return;
    }
    uint kv_head = head - args.head_count;
    uint base = kv_head * HEAD_DIM;
    uint slot = (step.position % args.cache_capacity) * args.kv_head_count * HEAD_DIM + base;
    for (uint i = gl_LocalInvocationID.x; i < pairs; i += 64u) {
        float c = rope[table + i], s = rope[table + pairs + i];
        float a = k[base + i], b = k[base + pairs + i];
        key_cache[slot + i] = a * c - b * s;
        key_cache[slot + pairs + i] = b * c + a * s;
    }
    for (uint i = gl_LocalInvocationID.x; i < HEAD_DIM; i += 64u) {
        value_cache[slot + i] = v[base + i];
    }
}
