// Writing one position of one KV head into a layer's cache (kv_cache.cuh): the head's key rotated
// by YaRN RoPE (half-split pairs) and its value. rope_kv_write (a batch's) and attention_step (one
// token's) write their rows with it. A position's table row: head_dim / 2 cosines then as many
// sines, concentration included (backend/rope_table.h).
#pragma once

#include "common.cuh"
#include "kv_cache.cuh"
#include "quantize_q8.cuh"

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
    __shared__ float largest[2][32]; // a warp's each, for blocks of up to 1024 threads
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
    for (unsigned w = t; w < head_dim / 4; w += blockDim.x) {
        unsigned key_word = 0, value_word = 0;
        for (unsigned b = 0; b < 4; ++b) {
            const unsigned e = 4 * w + b;
            key_word |= q8_code(rotated_key(k, table, e, pairs), key_inverse) << (8 * b);
            value_word |= q8_code(v[e], value_inverse) << (8 * b);
        }
        key_row[w] = key_word;
        value_row[w] = value_word;
    }
    if (t == 0) {
        key_row[head_dim / 4] = __float_as_uint(key_max / 127.0f);
        value_row[head_dim / 4] = __float_as_uint(value_max / 127.0f);
    }
}

// One position's key of a KV head, rotated for that position by its table row, and its value into
// cache row `row` (an offset in Elements), as the cache's format holds them: by the whole block
// (with a barrier inside for q8, whose row scale needs all of the row).
template <typename Cache>
__device__ void write_kv_row(typename Cache::Element* key_cache,
                             typename Cache::Element* value_cache, unsigned long long row,
                             const float* k, const float* v, const float* table,
                             unsigned head_dim) {
    const unsigned pairs = head_dim / 2;
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
