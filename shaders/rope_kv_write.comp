#version 450
// A batch's YaRN RoPE (half-split pairs) on its query heads in place and on its key heads, which
// go into the layer's cache with the value heads (kv_write.glsl). One workgroup per head (x:
// queries, then keys) and token (y). A token's heads come as the fused projection writes them:
// all query heads, then the key heads, then the value heads. (One token's attention,
// attention_decode.comp, does all this itself.)
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const uint KV_FORMAT = kv_cache_f32; // the layouts in kernel_args.h
layout(local_size_x = 64) in;

layout(std430, binding = 0) buffer QueriesKeysValues { float qkv[]; };
layout(std430, binding = 1) readonly buffer RopeTable { float rope[]; };
layout(std430, binding = 2) writeonly buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 3) writeonly buffer ValueCache { uint value_cache[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { RopeKvArgs args; };

uint key_first;   // where this workgroup's key head starts in qkv
uint value_first; // and its value head
float head_key(uint e) { return qkv[key_first + e]; }
float head_value(uint e) { return qkv[value_first + e]; }

#include "kv_write.glsl"

void main() {
    uint token = gl_WorkGroupID.y;
    if (token >= step.count) return;
    uint position = step.first_position + token;
    uint queries = token * (args.head_count + 2u * args.kv_head_count) * HEAD_DIM;
    uint head = gl_WorkGroupID.x;
    uint table = position * HEAD_DIM;
    if (head < args.head_count) {
        uint base = queries + head * HEAD_DIM;
        for (uint i = gl_LocalInvocationID.x; i < pairs; i += 64u) {
            float a = qkv[base + i], b = qkv[base + pairs + i];
            qkv[base + i] = rotated(i, table, a, b);
            qkv[base + pairs + i] = rotated(pairs + i, table, a, b);
        }
        return;
    }
    uint kv_head = head - args.head_count;
    key_first = queries + (args.head_count + kv_head) * HEAD_DIM;
    value_first = key_first + args.kv_head_count * HEAD_DIM;
    write_kv_row((position % args.cache_capacity) * args.kv_head_count + kv_head, table,
                 gl_LocalInvocationID.x);
}
