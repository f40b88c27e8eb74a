// How the kernels keep a layer's KV cache, in the layout kernel_args.h gives the kv_cache_*
// formats (Vulkan's too): a row is one position of one KV head, row r at r * row_elements. Each
// format is a struct the cache-writing and attention kernels take as a template parameter:
//   Element: what a row is an array of;
//   row_elements(head_dim): Elements a row takes;
//   value(row, d, head_dim): value d of a row, as a float;
//   store(v) (not q8): the Element a value is kept as. q8 rows are written whole, by a block
//   (write_q8_rows in kv_write.cuh), since a row's scale depends on all its values.
#pragma once

#include "common.cuh"

struct KvCacheF32 {
    using Element = float;
    static constexpr bool quantized = false;
    static __device__ unsigned row_elements(unsigned head_dim) { return head_dim; }
    static __device__ float value(const float* row, unsigned d, unsigned) { return row[d]; }
    static __device__ float store(float v) { return v; }
};

struct KvCacheF16 {
    using Element = __half;
    static constexpr bool quantized = false;
    static __device__ unsigned row_elements(unsigned head_dim) { return head_dim; }
    static __device__ float value(const __half* row, unsigned d, unsigned) {
        return __half2float(row[d]);
    }
    static __device__ __half store(float v) { return __float2half_rn(v); }
};

// head_dim / 4 words of int8 codes, the first in the low byte, then the scale: value = code *
// scale, the scale being the row's largest magnitude / 127.
struct KvCacheQ8 {
    using Element = unsigned;
    static constexpr bool quantized = true;
    static __device__ unsigned row_elements(unsigned head_dim) { return head_dim / 4 + 1; }
    static __device__ float code(unsigned word, unsigned byte) {
        return float(static_cast<signed char>(word >> (8 * byte)));
    }
    static __device__ float value(const unsigned* row, unsigned d, unsigned head_dim) {
        return code(row[d / 4], d % 4) * __uint_as_float(row[head_dim / 4]);
    }
};

// Where position `position`'s row of KV head `kv_head` starts (in Elements) in a cache of
// `capacity` positions, a ring when that is fewer than the context's.
template <typename Cache>
__device__ unsigned long long cache_row(unsigned position, unsigned kv_head, unsigned kv_head_count,
                                        unsigned capacity, unsigned head_dim) {
    return (static_cast<unsigned long long>(position % capacity) * kv_head_count + kv_head) *
           Cache::row_elements(head_dim);
}

// M(name, format) for every cache format: the kernel files instantiate their cache kernels per
// format by name ("f32", "f16", "q8": kv_cache_kernel_suffix in kernel_names.h).
#define HEARTH_FOR_EACH_KV_CACHE(M) M(f32, KvCacheF32) M(f16, KvCacheF16) M(q8, KvCacheQ8)
