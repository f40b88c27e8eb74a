// YaRN RoPE (half-split pairs) on the step's query heads in place and on its key heads, which go
// into the layer's cache with the value heads, kept as the cache's format (kv_cache.cuh) holds
// them. One block per head (x: the query heads, then the key heads) and token (y). A token's heads
// come as the fused projection writes them: all query heads, then the key heads, then the value
// heads.
#pragma once

#include "kv_write.cuh"

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
    const auto row =
        cache_row<Cache>(position, kv_head, args.kv_head_count, args.cache_capacity, head_dim);
    write_kv_row<Cache>(key_cache, value_cache, row, k, v, table, head_dim);
}

#define HEARTH_ROPE_KV_WRITE(name, cache)                                                          \
    extern "C" __global__ void __launch_bounds__(shapes::rope_block) rope_kv_write_##name(         \
        float* qkv, const float* rope, cache::Element* key_cache, cache::Element* value_cache,     \
        const ka::StepHeader* step, ka::RopeKvArgs args, unsigned head_dim) {                      \
        rope_kv_write<cache>(qkv, rope, key_cache, value_cache, step, args, head_dim);             \
    }
HEARTH_FOR_EACH_KV_CACHE(HEARTH_ROPE_KV_WRITE)
#undef HEARTH_ROPE_KV_WRITE
