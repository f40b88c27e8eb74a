// YaRN RoPE (half-split pairs) on the step's query heads in place and on its key heads, which go
// into the layer's cache with the value heads, kept as the cache's format (kv_cache.cuh) holds
// them. One block per head (x: the query heads, then the key heads) and token (y). A token's heads
// come as the fused projection writes them: all query heads, then the key heads, then the value
// heads.
#pragma once

#include "common.cuh"
#include "kv_cache.cuh"

// Element e of a head_dim key rotated by the position's table row (cosines, then sines).
__device__ __forceinline__ float rotated_key(const float* k, const float* table, unsigned e,
                                             unsigned pairs) {
    const unsigned i = e < pairs ? e : e - pairs;
    const float c = table[i], s = table[pairs + i], a = k[i], b = k[pairs + i];
    return e < pairs ? a * c - b * s : b * c + a * s;
}

// The rotated key and the value as q8 rows (kv_cache.cuh), by the whole block: each row's
// largest magnitude first, then its codes (to nearest, ties to even) and scale.
__device__ void write_q8_rows(unsigned* key_row, unsigned* value_row, const float* k,
                              const float* v, const float* table, unsigned head_dim) {
    constexpr unsigned warps = shapes::rope_block / 32;
    __shared__ float largest[2][warps];
    const unsigned t = threadIdx.x, pairs = head_dim / 2;
    float key_max = 0.0f, value_max = 0.0f;
    for (unsigned e = t; e < head_dim; e += blockDim.x) {
        key_max = fmaxf(key_max, fabsf(rotated_key(k, table, e, pairs)));
        value_max = fmaxf(value_max, fabsf(v[e]));
    }
    key_max = warp_max(key_max);
    value_max = warp_max(value_max);
    if (t % 32 == 0) {
        largest[0][t / 32] = key_max;
        largest[1][t / 32] = value_max;
    }
    __syncthreads();
    for (unsigned w = 0; w < blockDim.x / 32; ++w) { // a launch of fewer threads has fewer
        key_max = fmaxf(key_max, largest[0][w]);
        value_max = fmaxf(value_max, largest[1][w]);
    }
    // A row of zeros has scale 0 and codes 0. Below 127 / FLT_MAX the inverse would be infinite
    // and a zero's code NaN: the largest float still takes every value of such a row below 127.
    constexpr float largest_float = 3.4028235e38f;
    const float key_inverse = key_max > 0.0f ? fminf(127.0f / key_max, largest_float) : 0.0f;
    const float value_inverse = value_max > 0.0f ? fminf(127.0f / value_max, largest_float) : 0.0f;
    const auto code = [](float scaled) {
        return static_cast<unsigned>(
                   static_cast<int>(fminf(fmaxf(rintf(scaled), -127.0f), 127.0f))) &
               0xFFu;
    };
    for (unsigned w = t; w < head_dim / 4; w += blockDim.x) {
        unsigned key_word = 0, value_word = 0;
        for (unsigned b = 0; b < 4; ++b) {
            const unsigned e = 4 * w + b;
            key_word |= code(rotated_key(k, table, e, pairs) * key_inverse) << (8 * b);
            value_word |= code(v[e] * value_inverse) << (8 * b);
        }
        key_row[w] = key_word;
        value_row[w] = value_word;
    }
    if (t == 0) {
        key_row[head_dim / 4] = __float_as_uint(key_max / 127.0f);
        value_row[head_dim / 4] = __float_as_uint(value_max / 127.0f);
    }
}

// rope: per position head_dim / 2 cosines then as many sines, concentration included
// (backend/rope_table.h).
template <typename Cache>
__device__ void rope_kv_write(float* qkv, const float* rope, typename Cache::Element* key_cache,
                              typename Cache::Element* value_cache, const ka::StepHeader* step,
                              ka::RopeKvArgs args, unsigned head_dim) {
    const unsigned token = blockIdx.y;
    if (token >= step->count) return;
    const unsigned position = step->first_position + token;
    const unsigned pairs = head_dim / 2;
    const unsigned long long queries = static_cast<unsigned long long>(token) *
                                       (args.head_count + 2 * args.kv_head_count) * head_dim;
    const unsigned long long keys =
        queries + static_cast<unsigned long long>(args.head_count) * head_dim;
    const unsigned long long values =
        keys + static_cast<unsigned long long>(args.kv_head_count) * head_dim;
    const float* table = rope + static_cast<unsigned long long>(position) * head_dim;
    const unsigned head = blockIdx.x;
    if (head < args.head_count) {
        float* q = qkv + queries + static_cast<unsigned long long>(head) * head_dim;
        for (unsigned i = threadIdx.x; i < pairs; i += blockDim.x) {
            const float c = table[i], s = table[pairs + i];
            const float a = q[i], b = q[pairs + i];
            q[i] = a * c - b * s;
            q[pairs + i] = b * c + a * s;
        }
        return;
    }
    const unsigned kv_head = head - args.head_count;
    const float* k = qkv + keys + static_cast<unsigned long long>(kv_head) * head_dim;
    const float* v = qkv + values + static_cast<unsigned long long>(kv_head) * head_dim;
    const unsigned long long row =
        (static_cast<unsigned long long>(position % args.cache_capacity) * args.kv_head_count +
         kv_head) *
        Cache::row_elements(head_dim);
    if constexpr (Cache::quantized) {
        write_q8_rows(key_cache + row, value_cache + row, k, v, table, head_dim);
    } else {
        // Each thread rotates a pair and writes both its halves: no thread reads what another
        // wrote.
        for (unsigned i = threadIdx.x; i < pairs; i += blockDim.x) {
            const float c = table[i], s = table[pairs + i];
            const float a = k[i], b = k[pairs + i];
            key_cache[row + i] = Cache::store(a * c - b * s);
            key_cache[row + pairs + i] = Cache::store(b * c + a * s);
        }
        for (unsigned e = threadIdx.x; e < head_dim; e += blockDim.x)
            value_cache[row + e] = Cache::store(v[e]);
    }
}

#define HEARTH_ROPE_KV_WRITE(name, cache)                                                          \
    extern "C" __global__ void __launch_bounds__(shapes::rope_block) rope_kv_write_##name(         \
        float* qkv, const float* rope, cache::Element* key_cache, cache::Element* value_cache,     \
        const ka::StepHeader* step, ka::RopeKvArgs args, unsigned head_dim) {                      \
        rope_kv_write<cache>(qkv, rope, key_cache, value_cache, step, args, head_dim);             \
    }
HEARTH_FOR_EACH_KV_CACHE(HEARTH_ROPE_KV_WRITE)
#undef HEARTH_ROPE_KV_WRITE
