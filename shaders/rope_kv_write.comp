#version 450
// YaRN RoPE (half-split pairs) on the step's query heads in place and on its key heads, which go
// into the layer's cache with the value heads (as f32, or as f16 pairs when KV_F16). One
// workgroup per head (x: queries, then keys) and token (y). A token's heads come as the fused
// projection writes them: all query heads, then the key heads, then the value heads.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const bool KV_F16 = false;
layout(local_size_x = 64) in;

layout(std430, binding = 0) buffer QueriesKeysValues { float qkv[]; };
// Per position: HEAD_DIM / 2 cosines then as many sines, concentration included.
layout(std430, binding = 1) readonly buffer RopeTable { float rope[]; };
// f32 bits, or two f16 per word (the lower element in the low half) when KV_F16.
layout(std430, binding = 2) writeonly buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 3) writeonly buffer ValueCache { uint value_cache[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { RopeKvArgs args; };

const uint pairs = HEAD_DIM / 2u;
uint keys;   // where the token's key heads start in qkv
uint values; // and its value heads

// Element e of the key head at `base` (from the token's first key) rotated for the position
// whose table row starts at `table`.
float rotated_key(uint base, uint e, uint table) {
    uint i = e < pairs ? e : e - pairs;
    float c = rope[table + i], s = rope[table + pairs + i];
    float a = qkv[keys + base + i], b = qkv[keys + base + pairs + i];
    return e < pairs ? a * c - b * s : b * c + a * s;
}

void main() {
    uint token = gl_WorkGroupID.y;
    if (token >= step.count) return;
    uint position = step.first_position + token;
    uint queries = token * (args.head_count + 2u * args.kv_head_count) * HEAD_DIM;
    keys = queries + args.head_count * HEAD_DIM;
    values = keys + args.kv_head_count * HEAD_DIM;
    uint head = gl_WorkGroupID.x;
    uint table = position * HEAD_DIM;
    if (head < args.head_count) {
        uint base = queries + head * HEAD_DIM;
        for (uint i = gl_LocalInvocationID.x; i < pairs; i += 64u) {
            float c = rope[table + i], s = rope[table + pairs + i];
            float a = qkv[base + i], b = qkv[base + pairs + i];
            qkv[base + i] = a * c - b * s;
            qkv[base + pairs + i] = b * c + a * s;
        }
        return;
    }
    uint kv_head = head - args.head_count;
    uint base = kv_head * HEAD_DIM;
    uint slot = (position % args.cache_capacity) * args.kv_head_count * HEAD_DIM + base;
    if (KV_F16) {
        // One invocation per word: two invocations never share one.
        for (uint w = gl_LocalInvocationID.x; w < pairs; w += 64u) {
            uint e = 2u * w;
            key_cache[slot / 2u + w] =
                packHalf2x16(vec2(rotated_key(base, e, table), rotated_key(base, e + 1u, table)));
            value_cache[slot / 2u + w] =
                packHalf2x16(vec2(qkv[values + base + e], qkv[values + base + e + 1u]));
        }
    } else {
        for (uint e = gl_LocalInvocationID.x; e < HEAD_DIM; e += 64u) {
            key_cache[slot + e] = floatBitsToUint(rotated_key(base, e, table));
            value_cache[slot + e] = floatBitsToUint(qkv[values + base + e]);
        }
    }
}
