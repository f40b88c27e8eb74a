#version 450
// YaRN RoPE (half-split pairs) on the step's query heads in place and on its key heads, which go
// into the layer's cache with the value heads (KV_FORMAT: f32, f16 pairs or q8 rows). One
// workgroup per head (x: queries, then keys) and token (y). A token's heads come as the fused
// projection writes them: all query heads, then the key heads, then the value heads.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(constant_id = 1) const uint KV_FORMAT = kv_cache_f32; // the layouts in kernel_args.h
layout(local_size_x = 64) in;

layout(std430, binding = 0) buffer QueriesKeysValues { float qkv[]; };
// Per position: HEAD_DIM / 2 cosines then as many sines, concentration included.
layout(std430, binding = 1) readonly buffer RopeTable { float rope[]; };
layout(std430, binding = 2) writeonly buffer KeyCache { uint key_cache[]; };
layout(std430, binding = 3) writeonly buffer ValueCache { uint value_cache[]; };
layout(std430, binding = 4) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { RopeKvArgs args; };

const uint pairs = HEAD_DIM / 2u;
// q8: words per (position, KV head) row, and per invocation the largest key and value
// magnitudes it saw.
const uint q8_row_words = HEAD_DIM / 4u + 1u;
shared float largest[2u * 64u];
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
    uint row = (position % args.cache_capacity) * args.kv_head_count + kv_head;
    uint t = gl_LocalInvocationID.x;
    if (KV_FORMAT == kv_cache_q8) {
        float key_max = 0.0, value_max = 0.0;
        for (uint e = t; e < HEAD_DIM; e += 64u) {
            key_max = max(key_max, abs(rotated_key(base, e, table)));
            value_max = max(value_max, abs(qkv[values + base + e]));
        }
        largest[t] = key_max;
        largest[64u + t] = value_max;
        barrier();
        for (uint i = 0u; i < 64u; ++i) {
            key_max = max(key_max, largest[i]);
            value_max = max(value_max, largest[64u + i]);
        }
        // A row of zeros has scale 0 and codes 0.
        float key_inverse = key_max > 0.0 ? 127.0 / key_max : 0.0;
        float value_inverse = value_max > 0.0 ? 127.0 / value_max : 0.0;
        uint at = row * q8_row_words;
        for (uint w = t; w < HEAD_DIM / 4u; w += 64u) {
            uint key_word = 0u, value_word = 0u;
            for (uint k = 0u; k < 4u; ++k) {
                uint e = 4u * w + k;
                int key_code = int(roundEven(rotated_key(base, e, table) * key_inverse));
                int value_code = int(roundEven(qkv[values + base + e] * value_inverse));
                key_word |= (uint(clamp(key_code, -127, 127)) & 0xFFu) << (8u * k);
                value_word |= (uint(clamp(value_code, -127, 127)) & 0xFFu) << (8u * k);
            }
            key_cache[at + w] = key_word;
            value_cache[at + w] = value_word;
        }
        if (t == 0u) {
            key_cache[at + HEAD_DIM / 4u] = floatBitsToUint(key_max / 127.0);
            value_cache[at + HEAD_DIM / 4u] = floatBitsToUint(value_max / 127.0);
        }
    } else if (KV_FORMAT == kv_cache_f16) {
        // One invocation per word: two invocations never share one.
        uint slot = row * HEAD_DIM;
        for (uint w = t; w < pairs; w += 64u) {
            uint e = 2u * w;
            key_cache[slot / 2u + w] =
                packHalf2x16(vec2(rotated_key(base, e, table), rotated_key(base, e + 1u, table)));
            value_cache[slot / 2u + w] =
                packHalf2x16(vec2(qkv[values + base + e], qkv[values + base + e + 1u]));
        }
    } else {
        uint slot = row * HEAD_DIM;
        for (uint e = t; e < HEAD_DIM; e += 64u) {
            key_cache[slot + e] = floatBitsToUint(rotated_key(base, e, table));
            value_cache[slot + e] = floatBitsToUint(qkv[values + base + e]);
        }
    }
}
