// Attention of the step's query heads over the layer's cached keys and values, with the
// learned sinks and the sliding window, in four kernels:
//   attention_step_*: one token's (a decode step's) in one launch, whose blocks are
//     attention_decode's but that rotate their queries themselves, write the token's key and value
//     into the cache first (the block that reads that position), and merge the splits in the
//     last block to finish: a step launches no rope_kv_write and no attention_combine.
//   attention_decode_*: one block per (KV head, token and chunk of its query heads, split): the
//     split's share of the positions up to the token's own (the last `window` only, when set).
//     The query heads sharing a KV head share the block, so a cached key or value is read once
//     for all of them; a tile of keys and values is loaded at once (with rows of whole 16-byte
//     units, or q8 rows a word of codes at a time, every thread's loads in flight together),
//     then the block's threads score the tile's (head, position) pairs, a warp per head folds
//     them into its running (online) softmax, and every thread adds the tile's values to its
//     own outputs. Writes (output, running maximum, sum) per head and split:
//     [token][head][split][head_dim + 2].
//   attention_prefill_*: a batch's attention, tiled (below), writing the same partial results.
//   attention_combine: the splits merged with the head's sink, which joins the softmax but has
//     no value; one block per (head, token).
// A batch whose head size has no tiled kernel, or a token whose KV head's query heads take
// several blocks, runs rope_kv_write, attention_decode and attention_combine.
#pragma once

#include "common.cuh"
#include "kv_cache.cuh"
#include "kv_write.cuh"

// Copies `count` positions' keys and values of KV head `kv_head` from `first` on into shared
// memory as floats: keys in rows of head_dim + 1, values of head_dim. Rows of whole 16-byte
// units (gpt-oss's, f32 and f16) take every unit of the tile in one go, all of a thread's loads in
// flight together; q8 rows (not 16-byte aligned) the same a word of codes at a time, with the
// row's scale; other head sizes, a value at a time.
template <typename Cache>
__device__ void load_tile(const typename Cache::Element* key_cache,
                          const typename Cache::Element* value_cache, float* keys, float* values,
                          unsigned first, unsigned count, unsigned head_dim, unsigned kv_head_count,
                          unsigned kv_head, unsigned capacity) {
    using Element = typename Cache::Element;
    constexpr unsigned threads = shapes::attention_block;
    // Values a load unit holds: 16 bytes of f32 or f16, a word of 4 codes.
    constexpr unsigned per_unit = Cache::quantized ? 4 : 16 / sizeof(Element);
    // The most units of a tile's keys (and of its values) a thread loads.
    constexpr unsigned units = shapes::attention_tile_values / per_unit / threads;
    const unsigned t = threadIdx.x, key_stride = head_dim + 1;
    const auto row = [&](unsigned j) {
        return cache_row<Cache>(first + j, kv_head, kv_head_count, capacity, head_dim);
    };
    if (head_dim % per_unit != 0) {
        for (unsigned i = t; i < count * head_dim; i += threads) {
            const unsigned j = i / head_dim, d = i % head_dim;
            keys[j * key_stride + d] = Cache::value(key_cache + row(j), d, head_dim);
            values[i] = Cache::value(value_cache + row(j), d, head_dim);
        }
        return;
    }
    const unsigned row_units = head_dim / per_unit;
    if constexpr (Cache::quantized) {
        unsigned key_codes[units], value_codes[units];
        float key_scales[units], value_scales[units];
#pragma unroll
        for (unsigned k = 0; k < units; ++k) {
            const unsigned u = t + k * threads, j = u / row_units;
            if (j >= count) break; // later units are further on
            const unsigned* key_row = key_cache + row(j);
            const unsigned* value_row = value_cache + row(j);
            key_codes[k] = key_row[u % row_units];
            value_codes[k] = value_row[u % row_units];
            key_scales[k] = __uint_as_float(key_row[row_units]);
            value_scales[k] = __uint_as_float(value_row[row_units]);
        }
#pragma unroll
        for (unsigned k = 0; k < units; ++k) {
            const unsigned u = t + k * threads, j = u / row_units;
            if (j >= count) break;
            const unsigned d = u % row_units * per_unit;
#pragma unroll
            for (unsigned m = 0; m < per_unit; ++m) {
                keys[j * key_stride + d + m] = Cache::code(key_codes[k], m) * key_scales[k];
                values[j * head_dim + d + m] = Cache::code(value_codes[k], m) * value_scales[k];
            }
        }
    } else {
        uint4 key_units[units], value_units[units];
#pragma unroll
        for (unsigned k = 0; k < units; ++k) {
            const unsigned u = t + k * threads, j = u / row_units;
            if (j >= count) break; // later units are further on
            const unsigned long long at = row(j) + u % row_units * per_unit;
            key_units[k] = *reinterpret_cast<const uint4*>(key_cache + at);
            value_units[k] = *reinterpret_cast<const uint4*>(value_cache + at);
        }
#pragma unroll
        for (unsigned k = 0; k < units; ++k) {
            const unsigned u = t + k * threads, j = u / row_units;
            if (j >= count) break;
            const unsigned d = u % row_units * per_unit;
            Element key[per_unit], value[per_unit];
            memcpy(key, &key_units[k], sizeof key);
            memcpy(value, &value_units[k], sizeof value);
#pragma unroll
            for (unsigned m = 0; m < per_unit; ++m) {
                keys[j * key_stride + d + m] = static_cast<float>(key[m]);
                values[j * head_dim + d + m] = static_cast<float>(value[m]);
            }
        }
    }
}

// The block's `heads` query heads (q: the first's, the others after it), which share KV head
// `kv_head`, over positions [begin, end) (none when begin >= end): each head's unnormalised
// output, running maximum and sum go to out + h * head_stride. The queries are scaled, and
// rotated by the position's table row where `table` is given.
template <typename Cache>
__device__ void
attend_positions(const float* q, const float* table, const typename Cache::Element* key_cache,
                 const typename Cache::Element* value_cache, unsigned kv_head, unsigned heads,
                 unsigned begin, unsigned end, float* out, unsigned long long head_stride,
                 const ka::AttentionArgs& args, unsigned head_dim) {
    constexpr unsigned threads = shapes::attention_block, warps = threads / 32;
    constexpr unsigned H = shapes::attention_heads, max_tile = shapes::attention_max_tile;
    constexpr unsigned tile_values = shapes::attention_tile_values;
    constexpr unsigned max_outputs = H * shapes::attention_max_head_dim / threads;
    __shared__ float query[H][shapes::attention_max_head_dim];
    // Key rows padded to head_dim + 1: the threads of a warp score different positions at the
    // same dim, which rows of a multiple of 32 floats would put in one bank.
    __shared__ float keys[tile_values + max_tile], values[tile_values];
    __shared__ float scores[H][max_tile]; // then the tile's softmax weights
    __shared__ float running_max[H], running_sum[H], rescale[H];

    const unsigned t = threadIdx.x, lane = t % 32, warp = t / 32;
    const unsigned tile = min(max_tile, tile_values / head_dim), key_stride = head_dim + 1;
    for (unsigned i = t; i < heads * head_dim; i += threads) {
        const float* head = q + i / head_dim * head_dim;
        const float value =
            table ? rotated_key(head, table, i % head_dim, head_dim / 2) : head[i % head_dim];
        query[i / head_dim][i % head_dim] = value * args.scale;
    }
    if (t < heads) {
        running_max[t] = lowest_score;
        running_sum[t] = 0.0f;
    }
    float acc[max_outputs] = {}; // output t + k * threads: head o / head_dim, dim o % head_dim

    for (unsigned tile_begin = begin; tile_begin < end; tile_begin += tile) {
        const unsigned count = min(tile, end - tile_begin);
        __syncthreads(); // the previous tile is done with (and the queries are in)
        load_tile<Cache>(key_cache, value_cache, keys, values, tile_begin, count, head_dim,
                         args.kv_head_count, kv_head, args.cache_capacity);
        __syncthreads();
        for (unsigned item = t; item < heads * count; item += threads) {
            const unsigned h = item / count, j = item % count;
            float score = 0.0f;
            for (unsigned d = 0; d < head_dim; ++d)
                score += query[h][d] * keys[j * key_stride + d];
            scores[h][j] = score;
        }
        __syncthreads();
        for (unsigned h = warp; h < heads; h += warps) {
            const float old_max = running_max[h];
            float tile_max = lowest_score;
            for (unsigned j = lane; j < count; j += 32)
                tile_max = fmaxf(tile_max, scores[h][j]);
            const float new_max = fmaxf(old_max, warp_max(tile_max));
            float sum = 0.0f;
            for (unsigned j = lane; j < count; j += 32) {
                const float p = expf(scores[h][j] - new_max);
                scores[h][j] = p;
                sum += p;
            }
            sum = warp_sum(sum);
            if (lane == 0) {
                const float r = expf(old_max - new_max);
                rescale[h] = r;
                running_sum[h] = running_sum[h] * r + sum;
                running_max[h] = new_max;
            }
        }
        __syncthreads();
#pragma unroll
        for (unsigned k = 0; k < max_outputs; ++k) {
            const unsigned o = t + k * threads;
            if (o >= heads * head_dim) break;
            const unsigned h = o / head_dim, d = o % head_dim;
            float sum = acc[k] * rescale[h];
            for (unsigned j = 0; j < count; ++j)
                sum += scores[h][j] * values[j * head_dim + d];
            acc[k] = sum;
        }
    }
#pragma unroll
    for (unsigned k = 0; k < max_outputs; ++k) {
        const unsigned o = t + k * threads;
        if (o >= heads * head_dim) break;
        out[o / head_dim * head_stride + o % head_dim] = acc[k];
    }
    if (t < heads) {
        out[t * head_stride + head_dim] = running_max[t];
        out[t * head_stride + head_dim + 1] = running_sum[t];
    }
}

template <typename Cache>
__device__ void attention_decode(const float* qkv, const typename Cache::Element* key_cache,
                                 const typename Cache::Element* value_cache, float* partials,
                                 const ka::StepHeader* step, ka::AttentionArgs args,
                                 unsigned head_dim) {
    const unsigned kv_head = blockIdx.x, split = blockIdx.z;
    const unsigned group = args.head_count / args.kv_head_count;
    const unsigned chunks = shapes::attention_head_chunks(group);
    const unsigned token = blockIdx.y / chunks,
                   in_group = blockIdx.y % chunks * shapes::attention_heads;
    if (token >= step->count) return; // the whole block
    const unsigned heads = min(shapes::attention_heads, group - in_group);
    const unsigned head0 = kv_head * group + in_group;
    const unsigned position = step->first_position + token;
    const unsigned first = first_attended(position, args.window);
    const unsigned share = (position - first + args.splits) / args.splits; // ceil(count / splits)
    const unsigned begin = first + split * share;
    const unsigned end = min(position + 1, begin + share); // one past; empty when begin >= end
    const float* q = qkv +
                     static_cast<unsigned long long>(token) *
                         (args.head_count + 2 * args.kv_head_count) * head_dim +
                     static_cast<unsigned long long>(head0) * head_dim;
    float* out =
        partials +
        ((static_cast<unsigned long long>(token) * args.head_count + head0) * args.splits + split) *
            (head_dim + 2);
    // From one head's row to the next's.
    const unsigned long long head_stride =
        static_cast<unsigned long long>(args.splits) * (head_dim + 2);
    attend_positions<Cache>(q, nullptr, key_cache, value_cache, kv_head, heads, begin, end, out,
                            head_stride, args, head_dim);
}

// A head's output: its `splits` partial results (rows of head_dim + 2 floats: the unnormalised
// outputs, the running maximum, the sum) merged with its sink, which joins the softmax but has
// no value. Dims first_dim, first_dim + dim_step, ... Read through L2: another block of the
// same launch may have written them.
__device__ void merge_splits(const float* head_partials, unsigned splits, float sink, float* result,
                             unsigned head_dim, unsigned first_dim, unsigned dim_step) {
    const unsigned long long stride = head_dim + 2;
    float m = sink;
    for (unsigned s = 0; s < splits; ++s)
        m = fmaxf(m, __ldcg(head_partials + s * stride + head_dim));
    float denominator = expf(sink - m);
    for (unsigned s = 0; s < splits; ++s) {
        denominator += __ldcg(head_partials + s * stride + head_dim + 1) *
                       expf(__ldcg(head_partials + s * stride + head_dim) - m);
    }
    for (unsigned d = first_dim; d < head_dim; d += dim_step) {
        float sum = 0.0f;
        for (unsigned s = 0; s < splits; ++s) {
            sum += __ldcg(head_partials + s * stride + d) *
                   expf(__ldcg(head_partials + s * stride + head_dim) - m);
        }
        result[d] = sum / denominator;
    }
}

// One token's attention in one launch, its KV head's query heads in one block (the host
// launches it only when they fit: attention_head_chunks(group) == 1). Grid: (KV heads, 1, the
// most splits). A step uses only the splits that get decode_split_positions positions each, so
// early in a long context most blocks leave at once and the merge reads fewer partial results.
// The block whose split holds the token's own position writes its key and value first; every
// block rotates the queries it reads. `arrivals`: per KV head, its splits done; zero before a
// launch, and set back to zero by the block that merges them into `result` ([head][head_dim]).
template <typename Cache>
__device__ void
attention_step(const float* qkv, const float* rope, typename Cache::Element* key_cache,
               typename Cache::Element* value_cache, float* partials, unsigned* arrivals,
               const float* sinks, float* result, const ka::StepHeader* step,
               ka::AttentionArgs args, unsigned head_dim) {
    const unsigned kv_head = blockIdx.x, split = blockIdx.z;
    const unsigned group = args.head_count / args.kv_head_count, head0 = kv_head * group;
    const unsigned position = step->first_position;
    const unsigned first = first_attended(position, args.window);
    const unsigned attended = position - first + 1;
    const unsigned splits =
        min(args.splits, (attended + ka::decode_split_positions - 1) / ka::decode_split_positions);
    if (split >= splits) return; // the whole block
    const unsigned share = (attended + splits - 1) / splits;
    const unsigned begin = first + split * share;
    const unsigned end = min(position + 1, begin + share); // one past; empty when begin >= end
    const float* table = rope + static_cast<unsigned long long>(position) * head_dim;
    if (begin <= position && position < end) {
        const float* key =
            qkv + static_cast<unsigned long long>(args.head_count + kv_head) * head_dim;
        const float* value = key + static_cast<unsigned long long>(args.kv_head_count) * head_dim;
        write_kv_row<Cache>(
            key_cache, value_cache,
            cache_row<Cache>(position, kv_head, args.kv_head_count, args.cache_capacity, head_dim),
            key, value, table, head_dim);
        __syncthreads(); // the row is read back below
    }
    const unsigned long long head_stride =
        static_cast<unsigned long long>(args.splits) * (head_dim + 2);
    float* head_partials = partials + head0 * head_stride;
    attend_positions<Cache>(qkv + static_cast<unsigned long long>(head0) * head_dim, table,
                            key_cache, value_cache, kv_head, group, begin, end,
                            head_partials + split * (head_dim + 2), head_stride, args, head_dim);

    __shared__ bool merging;
    __threadfence(); // the partial results written above, before their split is counted
    __syncthreads();
    if (threadIdx.x == 0) merging = atomicAdd(arrivals + kv_head, 1u) == splits - 1;
    __syncthreads();
    if (!merging) return;
    __threadfence();
    if (threadIdx.x == 0) arrivals[kv_head] = 0;
    // A warp a head, its lanes over the dims.
    const unsigned warps = blockDim.x / 32, lane = threadIdx.x % 32;
    for (unsigned h = threadIdx.x / 32; h < group; h += warps) {
        merge_splits(head_partials + h * head_stride, splits, sinks[head0 + h],
                     result + static_cast<unsigned long long>(head0 + h) * head_dim, head_dim, lane,
                     32);
    }
}

#define HEARTH_ATTENTION_DECODE(name, cache)                                                       \
    extern "C" __global__ void __launch_bounds__(shapes::attention_block) attention_decode_##name( \
        const float* qkv, const cache::Element* key_cache, const cache::Element* value_cache,      \
        float* partials, const ka::StepHeader* step, ka::AttentionArgs args, unsigned head_dim) {  \
        attention_decode<cache>(qkv, key_cache, value_cache, partials, step, args, head_dim);      \
    }                                                                                              \
    extern "C" __global__ void __launch_bounds__(shapes::attention_block) attention_step_##name(   \
        const float* qkv, const float* rope, cache::Element* key_cache,                            \
        cache::Element* value_cache, float* partials, unsigned* arrivals, const float* sinks,      \
        float* result, const ka::StepHeader* step, ka::AttentionArgs args, unsigned head_dim) {    \
        attention_step<cache>(qkv, rope, key_cache, value_cache, partials, arrivals, sinks,        \
                              result, step, args, head_dim);                                       \
    }
HEARTH_FOR_EACH_KV_CACHE(HEARTH_ATTENTION_DECODE)
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
    for (unsigned start = begin; start < end; start += tile) {
        __syncthreads(); // every row is done with the previous tile
        for (unsigned i = t; i < tile * HeadDim; i += rows) {
            const unsigned j = i / HeadDim, d = i % HeadDim;
            const auto at = cache_row<Cache>(start + j, kv_head, args.kv_head_count,
                                             args.cache_capacity, HeadDim);
            const bool inside = start + j < end;
            keys[j][d] = inside ? Cache::value(key_cache + at, d, HeadDim) : 0.0f;
            values[j][d] = inside ? Cache::value(value_cache + at, d, HeadDim) : 0.0f;
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
    HEARTH_ATTENTION_PREFILL(f16, KvCacheF16, head_dim)                                            \
    HEARTH_ATTENTION_PREFILL(q8, KvCacheQ8, head_dim)
HEARTH_FOR_EACH_PREFILL_HEAD_DIM(HEARTH_ATTENTION_PREFILL_CACHES)
#undef HEARTH_ATTENTION_PREFILL_CACHES
#undef HEARTH_ATTENTION_PREFILL

// Grid: (heads, the batch's tokens); out: [token][head][head_dim].
extern "C" __global__ void __launch_bounds__(shapes::combine_block)
    attention_combine(const float* partials, const float* sinks, float* out,
                      ka::AttentionCombineArgs args, unsigned head_dim) {
    const unsigned long long row =
        static_cast<unsigned long long>(blockIdx.y) * gridDim.x + blockIdx.x; // (token, head)
    merge_splits(partials + row * args.splits * (head_dim + 2), args.splits, sinks[blockIdx.x],
                 out + row * head_dim, head_dim, threadIdx.x, blockDim.x);
}
