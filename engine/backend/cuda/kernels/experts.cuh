// Routing tokens to experts on the device:
//   route_experts: per token (one block each), the top `chosen` router logits (the lower index
//     first on ties) and the softmax over them: route[slot] = expert id, route[chosen + slot] =
//     its weight (f32 bits), in the token's row of 2 * chosen words.
//   group_experts: for a batch, per expert the entries token * slots + slot of the tokens that
//     chose it: groups[expert] = the count, then from groups[experts + expert * capacity] the
//     entries in token order; the grouped matvecs read each expert's weights once for them all.
//   expert_combine: for a batch, x[token] += the route-weighted grouped down rows of its slots.
#pragma once

#include "common.cuh"

extern "C" __global__ void __launch_bounds__(shapes::route_block)
    route_experts(const float* logits, unsigned* route, ka::RouteArgs args) {
    // Gathered by the whole block first: one thread reading them from device memory one after
    // another would wait out each load's latency in turn.
    __shared__ float gathered[shapes::max_experts];
    const unsigned token = blockIdx.x;
    for (unsigned e = threadIdx.x; e < args.experts; e += blockDim.x)
        gathered[e] = logits[static_cast<unsigned long long>(token) * args.experts + e];
    __syncthreads();
    if (threadIdx.x != 0) return;
    unsigned ids[shapes::max_experts_per_token];
    float values[shapes::max_experts_per_token];
    for (unsigned slot = 0; slot < args.chosen; ++slot) {
        unsigned best = args.experts;
        for (unsigned e = 0; e < args.experts; ++e) {
            bool taken = false;
            for (unsigned s = 0; s < slot; ++s)
                taken = taken || ids[s] == e;
            if (!taken && (best == args.experts || gathered[e] > gathered[best])) best = e;
        }
        ids[slot] = best;
        values[slot] = gathered[best];
    }
    const float largest = values[0];
    float sum = 0.0f;
    for (unsigned slot = 0; slot < args.chosen; ++slot) {
        values[slot] = expf(values[slot] - largest);
        sum += values[slot];
    }
    unsigned* row = route + static_cast<unsigned long long>(token) * 2 * args.chosen;
    for (unsigned slot = 0; slot < args.chosen; ++slot) {
        row[slot] = ids[slot];
        row[args.chosen + slot] = __float_as_uint(values[slot] / sum);
    }
}

// One block; a thread per expert.
extern "C" __global__ void __launch_bounds__(shapes::route_block)
    group_experts(const unsigned* route, unsigned* groups, const ka::StepHeader* step,
                  ka::GroupExpertsArgs args) {
    for (unsigned e = threadIdx.x; e < args.experts; e += blockDim.x) {
        unsigned count = 0;
        for (unsigned token = 0; token < step->count; ++token) {
            for (unsigned slot = 0; slot < args.slots; ++slot) {
                if (route[token * 2 * args.slots + slot] != e) continue;
                groups[args.experts + e * args.capacity + count] = token * args.slots + slot;
                ++count; // a token chooses an expert once: at most one entry per token
            }
        }
        groups[e] = count;
    }
}

// Grid: (hidden size / block, the batch's tokens).
extern "C" __global__ void __launch_bounds__(shapes::expert_combine_block)
    expert_combine(const float* down, const unsigned* route, float* x, const ka::StepHeader* step,
                   ka::ExpertCombineArgs args) {
    const unsigned token = blockIdx.y, j = blockIdx.x * blockDim.x + threadIdx.x;
    if (token >= step->count || j >= args.cols) return;
    float sum = 0.0f;
    for (unsigned slot = 0; slot < args.slots; ++slot) {
        const float weight = __uint_as_float(route[token * 2 * args.slots + args.slots + slot]);
        sum += weight *
               down[(static_cast<unsigned long long>(token) * args.slots + slot) * args.cols + j];
    }
    x[static_cast<unsigned long long>(token) * args.cols + j] += sum;
}
