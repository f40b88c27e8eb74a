// Attention of the step's query heads over the layer's cached keys and values, with the
// learned sinks and the sliding window, in two kernels:
//   attention_decode_*: one block per (head, token, split): the split's share of the positions
//     up to the token's own (the last `window` only, when set), in tiles of attention_tile
//     positions: each warp scores its positions (warp-shuffle dot products), then every thread
//     folds the tile into a running (online) softmax and its dims of the unnormalised output.
//     Writes (output, running maximum, sum) per split: [token][head][split][head_dim + 2].
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
    const unsigned first =
        args.window != 0 && position >= args.window ? position - args.window + 1 : 0;
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
