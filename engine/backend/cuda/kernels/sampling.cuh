// Sampling on the device, as shaders/sample_*.comp do it (see SampleArgs in kernel_args.h):
//   sample_partials: per block a chunk of the vocabulary: its largest usable logit, the sum of
//     exp((logit - largest) / temperature) over its usable ids, and its best id (the lower id on
//     ties) with that logit. Excluded ids (a bit each), NaN and -infinity are never drawn.
//   sample_cut (one block): the largest logit, the total weight and, with top-p below 1, the cut
//     (the lowest logit kept), by bisection over the floats in their order: partials[groups].
//   sample_kept: per chunk, the weight of its kept ids (logit >= cut, weight >= min_p) relative
//     to the largest logit of all, into partials[g].y.
//   sample_pick (one block): the best id when greedy; otherwise the draw walks the kept ids in
//     order until their weights pass random * their total: over the chunks' kept weights, then
//     over parts of the chunk the draw falls in, then over that part's ids. When rounding leaves
//     the draw past the last weight, the last id with weight is taken. The step's header then
//     moves on to the token picked, so a step the host queued behind this one (a step ahead)
//     runs it.
#pragma once

#include "common.cuh"

__device__ __forceinline__ bool sample_usable(const unsigned* excluded, unsigned id, float logit) {
    return (excluded[id >> 5] & (1u << (id & 31u))) == 0u && logit > -INFINITY; // NaN: false
}

// Two (largest, sum relative to largest) pairs as one.
__device__ __forceinline__ void sample_merge(float& largest, float& sum, float other_largest,
                                             float other_sum, float temperature) {
    const float merged = fmaxf(largest, other_largest);
    if (merged == -INFINITY) return;
    sum = sum * expf((largest - merged) / temperature) +
          other_sum * expf((other_largest - merged) / temperature);
    largest = merged;
}

extern "C" __global__ void __launch_bounds__(ka::sample_group_size)
    sample_partials(const float* logits, const unsigned* excluded, const ka::SampleDraw* draw,
                    float4* partials, ka::SampleArgs args) {
    __shared__ float largest_of[ka::sample_group_size], sum_of[ka::sample_group_size],
        best_of[ka::sample_group_size];
    __shared__ unsigned best_id_of[ka::sample_group_size];
    const unsigned t = threadIdx.x;
    const unsigned begin = blockIdx.x * args.chunk;
    const unsigned end = min(begin + args.chunk, args.vocab);
    const float temperature = draw->temperature;
    const bool drawing = temperature > 0.0f;
    float largest = -INFINITY, sum = 0.0f, best = -INFINITY;
    unsigned best_id = 0xFFFFFFFFu;
    // Each thread's ids ascend, so a strictly larger logit keeps the lower id on ties.
    for (unsigned id = begin + t; id < end; id += ka::sample_group_size) {
        const float logit = logits[id];
        if (!sample_usable(excluded, id, logit)) continue;
        if (logit > best) {
            best = logit;
            best_id = id;
        }
        if (drawing) sample_merge(largest, sum, logit, 1.0f, temperature);
    }
    largest_of[t] = largest;
    sum_of[t] = sum;
    best_of[t] = best;
    best_id_of[t] = best_id;
    __syncthreads();
    for (unsigned half = ka::sample_group_size / 2; half > 0; half /= 2) {
        if (t < half) {
            const unsigned o = t + half;
            if (best_of[o] > best_of[t] ||
                (best_of[o] == best_of[t] && best_id_of[o] < best_id_of[t])) {
                best_of[t] = best_of[o];
                best_id_of[t] = best_id_of[o];
            }
            if (drawing) {
                float l = largest_of[t], s = sum_of[t];
                sample_merge(l, s, largest_of[o], sum_of[o], temperature);
                largest_of[t] = l;
                sum_of[t] = s;
            }
        }
        __syncthreads();
    }
    if (t == 0) {
        partials[blockIdx.x] =
            make_float4(largest_of[0], sum_of[0], best_of[0], __uint_as_float(best_id_of[0]));
    }
}

__device__ __forceinline__ float sample_weight(float logit, float top, float temperature) {
    return expf((logit - top) / temperature);
}

// Usable, at or above the cut, and at least min_p as likely as the best id.
__device__ __forceinline__ bool sample_kept_id(const unsigned* excluded, const ka::SampleDraw& draw,
                                               unsigned id, float logit, float top, float cut) {
    return sample_usable(excluded, id, logit) && logit >= cut &&
           (draw.min_p <= 0.0f || sample_weight(logit, top, draw.temperature) >= draw.min_p);
}

// Floats in their order as unsigned integers, and back.
__device__ __forceinline__ unsigned sample_order_key(float v) {
    const unsigned bits = __float_as_uint(v);
    return (bits & 0x80000000u) != 0u ? ~bits : bits | 0x80000000u;
}
__device__ __forceinline__ float sample_from_order_key(unsigned key) {
    return __uint_as_float((key & 0x80000000u) != 0u ? key & 0x7FFFFFFFu : ~key);
}

// The chunks' partial results (partials[g], g < groups), copied into shared memory by the whole
// block at once, for sample_cut and sample_pick, whose first thread walks them in order: it then
// reads shared memory rather than waiting on one global load after another.
__device__ __forceinline__ void stage_chunks(const float4* partials, float4* chunks,
                                             unsigned groups) {
    for (unsigned g = threadIdx.x; g < groups; g += blockDim.x)
        chunks[g] = partials[g];
    __syncthreads();
}

extern "C" __global__ void __launch_bounds__(ka::sample_cut_max_group_size)
    sample_cut(const float* logits, const unsigned* excluded, const ka::SampleDraw* draw,
               float4* partials, ka::SampleArgs args) {
    __shared__ float top, total;
    __shared__ float sums[ka::sample_cut_max_group_size];
    __shared__ float4 chunks[ka::sample_max_groups];
    const unsigned t = threadIdx.x, threads = blockDim.x; // a power of two
    const ka::SampleDraw d = *draw;
    if (d.temperature <= 0.0f) return; // greedy reads only the chunks' best ids
    stage_chunks(partials, chunks, args.groups);
    if (t == 0) {
        float largest = -INFINITY;
        for (unsigned g = 0; g < args.groups; ++g)
            largest = fmaxf(largest, chunks[g].x);
        float sum = 0.0f;
        for (unsigned g = 0; g < args.groups; ++g) {
            const float4 chunk = chunks[g];
            if (chunk.x > -INFINITY)
                sum += chunk.y * sample_weight(chunk.x, largest, d.temperature);
        }
        top = largest;
        total = sum;
    }
    __syncthreads();
    // The weight of the usable logits at or above v, summed by the whole block.
    auto weight_from = [&](float v) {
        float mass = 0.0f;
        for (unsigned id = t; id < args.vocab; id += threads) {
            const float logit = logits[id];
            if (sample_usable(excluded, id, logit) && logit >= v)
                mass += sample_weight(logit, top, d.temperature);
        }
        sums[t] = mass;
        __syncthreads();
        for (unsigned half = threads / 2; half > 0; half /= 2) {
            if (t < half) sums[t] += sums[t + half];
            __syncthreads();
        }
        const float result = sums[0];
        __syncthreads(); // everyone has read it before the next call writes
        return result;
    };
    float cut = -INFINITY;
    if (d.top_p < 1.0f && top > -INFINITY) {
        // Invariant: the weight from the value of `low` reaches the target.
        const float target = d.top_p * total;
        unsigned low = sample_order_key(-INFINITY), high = sample_order_key(top);
        while (low < high) { // the same in every thread: they read the same sums
            const unsigned middle = low + (high - low + 1u) / 2u;
            if (weight_from(sample_from_order_key(middle)) >= target) {
                low = middle;
            } else {
                high = middle - 1u;
            }
        }
        cut = sample_from_order_key(low);
    }
    if (t == 0) partials[args.groups] = make_float4(top, total, cut, 0.0f);
}

extern "C" __global__ void __launch_bounds__(ka::sample_group_size)
    sample_kept(const float* logits, const unsigned* excluded, const ka::SampleDraw* draw,
                float4* partials, ka::SampleArgs args) {
    __shared__ float sums[ka::sample_group_size];
    const ka::SampleDraw d = *draw;
    if (d.temperature <= 0.0f) return; // greedy reads only the chunks' best ids
    const unsigned t = threadIdx.x, g = blockIdx.x;
    const float4 header = partials[args.groups];
    // Without top-p or min-p every usable id is kept: the chunk's sum only changes reference.
    if (header.z == -INFINITY && d.min_p <= 0.0f) {
        const float4 chunk = partials[g];
        if (t == 0) {
            partials[g].y = chunk.x > -INFINITY
                                ? chunk.y * sample_weight(chunk.x, header.x, d.temperature)
                                : 0.0f;
        }
        return;
    }
    const unsigned begin = g * args.chunk, end = min(begin + args.chunk, args.vocab);
    float mass = 0.0f;
    for (unsigned id = begin + t; id < end; id += ka::sample_group_size) {
        const float logit = logits[id];
        if (sample_kept_id(excluded, d, id, logit, header.x, header.z))
            mass += sample_weight(logit, header.x, d.temperature);
    }
    sums[t] = mass;
    __syncthreads();
    for (unsigned half = ka::sample_group_size / 2; half > 0; half /= 2) {
        if (t < half) sums[t] += sums[t + half];
        __syncthreads();
    }
    if (t == 0) partials[g].y = sums[0];
}

// sample_pick's result: `id` into `picked`, and the step moved on to run it, one token at the
// next position (id 0 in its place where nothing could be drawn: the host then throws the step
// away).
__device__ __forceinline__ void pick(unsigned id, unsigned* picked, ka::StepHeader* step,
                                     unsigned vocab) {
    *picked = id;
    step->first_position += step->count;
    step->count = 1;
    reinterpret_cast<unsigned*>(step + 1)[0] = id < vocab ? id : 0u;
}

extern "C" __global__ void __launch_bounds__(ka::sample_group_size)
    sample_pick(const float* logits, const unsigned* excluded, const ka::SampleDraw* draw,
                const float4* partials, unsigned* picked, ka::StepHeader* step,
                ka::SampleArgs args) {
    __shared__ float top, cut, mass_before, target;
    __shared__ unsigned chunk_drawn;
    __shared__ float share_of[ka::sample_group_size];
    __shared__ float4 chunks[ka::sample_max_groups];
    const unsigned t = threadIdx.x;
    const float temperature = draw->temperature;
    stage_chunks(partials, chunks, args.groups);
    if (temperature <= 0.0f) {
        if (t != 0) return;
        float best = -INFINITY;
        unsigned best_id = 0xFFFFFFFFu; // past the vocabulary: nothing usable
        for (unsigned g = 0; g < args.groups; ++g) {
            if (chunks[g].z > best) { // chunks ascend: ties keep the lower id
                best = chunks[g].z;
                best_id = __float_as_uint(chunks[g].w);
            }
        }
        pick(best_id, picked, step, args.vocab);
        return;
    }
    if (t == 0) {
        top = partials[args.groups].x;
        cut = partials[args.groups].z;
        float total = 0.0f;
        for (unsigned g = 0; g < args.groups; ++g)
            total += chunks[g].y; // sample_kept's weights of the kept ids
        target = draw->random * total;
        // The first chunk whose weight takes the mass past the target, or after rounding, the
        // last chunk with any weight (and the mass before it).
        float mass = 0.0f, before_drawn = 0.0f;
        unsigned drawn = 0;
        for (unsigned g = 0; g < args.groups; ++g) {
            const float chunk_mass = chunks[g].y;
            if (!(chunk_mass > 0.0f)) continue;
            drawn = g;
            before_drawn = mass;
            if (mass + chunk_mass > target) break;
            mass += chunk_mass;
        }
        chunk_drawn = drawn;
        mass_before = before_drawn;
    }
    __syncthreads();
    // Each thread sums its contiguous part of the drawn chunk.
    const unsigned begin = chunk_drawn * args.chunk;
    const unsigned end = min(begin + args.chunk, args.vocab);
    const unsigned part = (args.chunk + ka::sample_group_size - 1) / ka::sample_group_size;
    const ka::SampleDraw d = *draw;
    auto weight = [&](unsigned id) {
        const float logit = logits[id];
        return sample_kept_id(excluded, d, id, logit, top, cut)
                   ? sample_weight(logit, top, temperature)
                   : 0.0f;
    };
    const unsigned first = min(begin + t * part, end), last = min(first + part, end);
    float share = 0.0f;
    for (unsigned id = first; id < last; ++id)
        share += weight(id);
    share_of[t] = share;
    __syncthreads();
    if (t != 0) return;
    // The part the draw falls in: the first whose weight takes the mass past the target, or
    // after rounding, the last part with any weight.
    float mass = mass_before, before_chosen = mass_before;
    unsigned chosen = ka::sample_group_size;
    for (unsigned i = 0; i < ka::sample_group_size; ++i) {
        if (!(share_of[i] > 0.0f)) continue;
        chosen = i;
        before_chosen = mass;
        if (mass + share_of[i] > target) break;
        mass += share_of[i];
    }
    unsigned id_picked = __float_as_uint(partials[chunk_drawn].w); // if no weight is left at all
    const unsigned from = min(begin + chosen * part, end), to = min(from + part, end);
    mass = before_chosen;
    for (unsigned id = from; id < to; ++id) {
        const float w = weight(id);
        if (!(w > 0.0f)) continue;
        id_picked = id;
        mass += w;
        if (mass > target) break;
    }
    pick(id_picked, picked, step, args.vocab);
}
