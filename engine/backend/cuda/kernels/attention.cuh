// Attention of the step's query heads over the layer's cached keys and values, with the
// learned sinks and the sliding window, in three kernels:
//   attention_decode_*: one block per (head, token, split): the split's share of the positions
//     up to the token's own (the last `window` only, when set), in tiles of attention_tile
//     positions: each warp scores its positions (warp-shuffle dot products), then every thread
//     folds the tile into a running (online) softmax and its dims of the unnormalised output.
//     Writes (output, running maximum, sum) per split: [token][head][split][head_dim + 2].
//   attention_prefill_*: a batch's attention, tiled (below), writing the same partial results.
//   attention_combine: the splits merged with the head's sink, which joins the softmax but has
//     no value; one block per (head, token).
#pragma once

#include "common.cuh"
#include "rope_kv_write.cuh"

template <typename Cache>
__device__ void attention_decode(const float* qkv, const typename Cache::Element* key_cache,
                                 const typename Cache::Element* value_cache, float* partials,
                                 const ka::StepHeader* step, ka::AttentionArgs args,
                                 unsigned head_dim) {
    constexpr unsigned threads = shapes::attention_block, warps = threads / 32;
    constexpr unsigned tile = shapes::attention_tile, per_warp = tile / warps;
    constexpr unsigned dims_per_thread = shapes::attention_max_head_dim / threads;
    __shared__ float query[shapes::attention_max_head_dim];
    __shared__ float scores[tile];

    const unsigned head = blockIdx.x, token = blockIdx.y, split = blockIdx.z;
    if (token >= step->count) return;
    const unsigned t = threadIdx.x, lane = t % 32, warp = t / 32;
    const unsigned position = step->first_position + token;
    const unsigned first = first_attended(position, args.window);
    const unsigned share = (position - first + args.splits) / args.splits; // ceil(count / splits)
    const unsigned begin = first + split * share;
    const unsigned end = min(position + 1, begin + share); // one past; empty when begin >= end
    const unsigned kv_head = head / (args.head_count / args.kv_head_count);
    const unsigned long long kv_size =
        static_cast<unsigned long long>(args.kv_head_count) * head_dim;

    const float* q = qkv +
                     static_cast<unsigned long long>(token) *
                         (args.head_count + 2 * args.kv_head_count) * head_dim +
                     static_cast<unsigned long long>(head) * head_dim;
    for (unsigned d = t; d < head_dim; d += threads)
        query[d] = q[d];
    __syncthreads();

    float running_max = lowest_score, running_sum = 0.0f;
    float acc[dims_per_thread] = {};
    for (unsigned tile_begin = begin; tile_begin < end; tile_begin += tile) {
        for (unsigned i = 0; i < per_warp; ++i) {
            const unsigned u = tile_begin + warp * per_warp + i;
            if (u >= end) break; // the same for the whole warp
            const auto* key = key_cache + (u % args.cache_capacity) * kv_size +
                              static_cast<unsigned long long>(kv_head) * head_dim;
            float dot = 0.0f;
            for (unsigned d = lane; d < head_dim; d += 32)
                dot += query[d] * static_cast<float>(key[d]);
            dot = warp_sum(dot);
            if (lane == 0) scores[warp * per_warp + i] = dot * args.scale;
        }
        __syncthreads();
        const unsigned count = min(tile, end - tile_begin);
        float tile_max = running_max;
        for (unsigned i = 0; i < count; ++i)
            tile_max = fmaxf(tile_max, scores[i]);
        const float rescale = expf(running_max - tile_max);
        running_sum *= rescale;
        for (unsigned k = 0; k < dims_per_thread; ++k)
            acc[k] *= rescale;
        for (unsigned i = 0; i < count; ++i) {
            const float p = expf(scores[i] - tile_max);
            running_sum += p;
            const unsigned u = tile_begin + i;
            const auto* value = value_cache + (u % args.cache_capacity) * kv_size +
                                static_cast<unsigned long long>(kv_head) * head_dim;
            for (unsigned k = 0; k < dims_per_thread; ++k) {
                const unsigned d = t + k * threads;
                if (d < head_dim) acc[k] += p * static_cast<float>(value[d]);
            }
        }
        running_max = tile_max;
        __syncthreads(); // the next tile overwrites the scores
    }

    float* out =
        partials +
        ((static_cast<unsigned long long>(token) * args.head_count + head) * args.splits + split) *
            (head_dim + 2);
    for (unsigned k = 0; k < dims_per_thread; ++k) {
        const unsigned d = t + k * threads;
        if (d < head_dim) out[d] = acc[k];
    }
    if (t == 0) {
        out[head_dim] = running_max;
        out[head_dim + 1] = running_sum;
    }
}

#define HEARTH_ATTENTION_DECODE(name, cache)                                                       \
    extern "C" __global__ void __launch_bounds__(shapes::attention_block) attention_decode_##name( \
        const float* qkv, const cache::Element* key_cache, const cache::Element* value_cache,      \
        float* partials, const ka::StepHeader* step, ka::AttentionArgs args, unsigned head_dim) {  \
        attention_decode<cache>(qkv, key_cache, value_cache, partials, step, args, head_dim);      \
    }
HEARTH_ATTENTION_DECODE(f32, KvCacheF32)
HEARTH_ATTENTION_DECODE(f16, KvCacheF16)
#undef HEARTH_ATTENTION_DECODE

// A batch's attention (prefill), tiled: a block (x: the KV head, y: a tile of rows, z: the
// split) takes prefill_attention_rows rows, each a (token, query head) pair of the heads sharing
// that KV head, in the order token * group + head. It walks its split's share of the positions
// those rows attend to once, attention_prefill_tile at a time through shared memory, so a cached
// key or value is read once per tile of rows rather than once per row. Each thread owns a row:
// its query and output in registers, with a running (online) softmax; the results go out
// unnormalised in attention_decode's layout, for attention_combine to merge with the sink.
template <typename Cache, unsigned HeadDim>
__device__ void attention_prefill(const float* qkv, const typename Cache::Element* key_cache,
                                  const typename Cache::Element* value_cache, float* partials,
                                  const ka::StepHeader* step, ka::AttentionArgs args) {
    constexpr unsigned rows = shapes::prefill_attention_rows, tile = shapes::prefill_attention_tile;
    __shared__ float keys[tile][HeadDim], values[tile][HeadDim];
    const unsigned kv_head = blockIdx.x, split = blockIdx.z, t = threadIdx.x;
    const unsigned group = args.head_count / args.kv_head_count;
    const unsigned first_token = blockIdx.y * rows / group;
    if (first_token >= step->count) return; // the whole block
    const unsigned last_token = min((blockIdx.y * rows + rows - 1) / group, step->count - 1);
    const unsigned row = blockIdx.y * rows + t, token = row / group;
    const unsigned head = kv_head * group + row % group;
    const bool live = token < step->count;
    const unsigned position = step->first_position + token;
    const unsigned first = first_attended(position, args.window);

    float query[HeadDim], acc[HeadDim];
    const unsigned long long queries = static_cast<unsigned long long>(token) *
                                           (args.head_count + 2 * args.kv_head_count) * HeadDim +
                                       static_cast<unsigned long long>(head) * HeadDim;
#pragma unroll
    for (unsigned d = 0; d < HeadDim; ++d) {
        query[d] = live ? qkv[queries + d] * args.scale : 0.0f;
        acc[d] = 0.0f;
    }
    float running_max = lowest_score, running_sum = 0.0f;

    // The split's share of the positions any row attends to: [begin, end).
    const unsigned lowest = first_attended(step->first_position + first_token, args.window);
    const unsigned highest = step->first_position + last_token;
    const unsigned share = (highest + 1 - lowest + args.splits - 1) / args.splits;
    const unsigned begin = lowest + split * share, end = min(highest + 1, begin + share);
    const unsigned long long kv_size =
        static_cast<unsigned long long>(args.kv_head_count) * HeadDim;
    for (unsigned start = begin; start < end; start += tile) {
        __syncthreads(); // every row is done with the previous tile
        for (unsigned i = t; i < tile * HeadDim; i += rows) {
            const unsigned j = i / HeadDim, d = i % HeadDim;
            const unsigned long long at = (start + j) % args.cache_capacity * kv_size +
                                          static_cast<unsigned long long>(kv_head) * HeadDim + d;
            const bool inside = start + j < end;
            keys[j][d] = inside ? static_cast<float>(key_cache[at]) : 0.0f;
            values[j][d] = inside ? static_cast<float>(value_cache[at]) : 0.0f;
        }
        __syncthreads();
        if (!live) continue;
        // The row's own positions in the tile: a runtime range, so masked ones cost nothing.
        const unsigned from = max(first, start), to = min(min(position + 1, end), start + tile);
        for (unsigned u = from; u < to; ++u) {
            const unsigned j = u - start;
            float score = 0.0f;
#pragma unroll
            for (unsigned d = 0; d < HeadDim; ++d)
                score += query[d] * keys[j][d];
            if (score > running_max) { // rescale only when the maximum moves
                const float rescale = expf(running_max - score);
                running_sum *= rescale;
#pragma unroll
                for (unsigned d = 0; d < HeadDim; ++d)
                    acc[d] *= rescale;
                running_max = score;
            }
            const float p = expf(score - running_max);
            running_sum += p;
#pragma unroll
            for (unsigned d = 0; d < HeadDim; ++d)
                acc[d] += p * values[j][d];
        }
    }
    if (!live) return;
    // A row with none of its positions in this split writes an empty result (sum 0).
    float* out =
        partials +
        ((static_cast<unsigned long long>(token) * args.head_count + head) * args.splits + split) *
            (HeadDim + 2);
#pragma unroll
    for (unsigned d = 0; d < HeadDim; ++d)
        out[d] = acc[d];
    out[HeadDim] = running_max;
    out[HeadDim + 1] = running_sum;
}

// attention_prefill_<cache>_<head dim>, for the head sizes of launch_shapes.h (others take
// attention_decode per token).
#define HEARTH_ATTENTION_PREFILL(name, cache, head_dim)                                            \
    extern "C" __global__ void __launch_bounds__(shapes::prefill_attention_rows)                   \
        attention_prefill_##name##_##head_dim(                                                     \
            const float* qkv, const cache::Element* key_cache, const cache::Element* value_cache,  \
            float* partials, const ka::StepHeader* step, ka::AttentionArgs args) {                 \
        attention_prefill<cache, head_dim>(qkv, key_cache, value_cache, partials, step, args);     \
    }
#define HEARTH_ATTENTION_PREFILL_CACHES(head_dim)                                                  \
    HEARTH_ATTENTION_PREFILL(f32, KvCacheF32, head_dim)                                            \
    HEARTH_ATTENTION_PREFILL(f16, KvCacheF16, head_dim)
HEARTH_FOR_EACH_PREFILL_HEAD_DIM(HEARTH_ATTENTION_PREFILL_CACHES)
#undef HEARTH_ATTENTION_PREFILL_CACHES
#undef HEARTH_ATTENTION_PREFILL

// Grid: (heads, the batch's tokens); out: [token][head][head_dim].
extern "C" __global__ void __launch_bounds__(shapes::combine_block)
    attention_combine(const float* partials, const float* sinks, float* out,
                      ka::AttentionCombineArgs args, unsigned head_dim) {
    const unsigned head = blockIdx.x, token = blockIdx.y, heads = gridDim.x;
    const unsigned long long stride = head_dim + 2;
    const float* first =
        partials + (static_cast<unsigned long long>(token) * heads + head) * args.splits * stride;
    const float sink = sinks[head];
    float m = sink;
    for (unsigned s = 0; s < args.splits; ++s)
        m = fmaxf(m, first[s * stride + head_dim]);
    float denominator = expf(sink - m);
    for (unsigned s = 0; s < args.splits; ++s)
        denominator += first[s * stride + head_dim + 1] * expf(first[s * stride + head_dim] - m);
    float* result = out + (static_cast<unsigned long long>(token) * heads + head) * head_dim;
    for (unsigned d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float sum = 0.0f;
        for (unsigned s = 0; s < args.splits; ++s)
            sum += first[s * stride + d] * expf(first[s * stride + head_dim] - m);
        result[d] = sum / denominator;
    }
}
