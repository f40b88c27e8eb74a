// Routing tokens to experts on the device:
//   route_experts: a batch's, per token (one block each), the top `chosen` router logits (the
//     lower index first on ties) and the softmax over them: route[slot] = expert id,
//     route[chosen + slot] = its weight (f32 bits), in the token's row of 2 * chosen words. One
//     token's router chooses them itself, in its last block (choose_experts, matvec.cuh).
//   group_experts: for a batch, per expert the entries token * slots + slot of the tokens that
//     chose it: groups[expert] = the count, then from groups[experts + expert * capacity] the
//     entries in token order; the grouped matmuls read each expert's weights once for them all.
//   expert_combine: for a batch, x[token] += the route-weighted grouped down rows of its slots.
#pragma once

#include "common.cuh"

// A token's top `chosen` of `experts` logits and their softmax into its route row, by every
// thread of the block (barriers inside). The logits are read from L2 (__ldcg): a router's last
// block reads the ones other blocks wrote. Every thread ranks its own experts against all the
// others at once: no thread walks the logits slot after slot, and no array is indexed by a loop
// counter (such arrays live in slow local memory).
__device__ void choose_experts(const float* logits, unsigned* row, unsigned experts,
                               unsigned chosen) {
    __shared__ float gathered[shapes::max_experts];
    __shared__ float chosen_logits[shapes::max_experts_per_token];
    const unsigned t = threadIdx.x;
    for (unsigned e = t; e < experts; e += blockDim.x) {
        const float logit = __ldcg(logits + e);
        // A NaN ranks last, so every expert has a rank of its own.
        gathered[e] = isnan(logit) ? -INFINITY : logit;
    }
    __syncthreads();
    // An expert's rank: how many experts have a larger logit, or an equal one and a lower index.
    for (unsigned e = t; e < experts; e += blockDim.x) {
        const float logit = gathered[e];
        unsigned rank = 0;
        for (unsigned other = 0; other < experts; ++other) {
            const float rival = gathered[other];
            rank += rival > logit || (rival == logit && other < e);
        }
        if (rank < chosen) {
            row[rank] = e;
            chosen_logits[rank] = logit;
        }
    }
    __syncthreads();
    if (t >= chosen) return;
    // Each thread sums the slots in slot order, so all of them divide by the same sum.
    const float largest = chosen_logits[0];
    float sum = 0.0f;
    for (unsigned slot = 0; slot < chosen; ++slot)
        sum += expf(chosen_logits[slot] - largest);
    row[chosen + t] = __float_as_uint(expf(chosen_logits[t] - largest) / sum);
}

extern "C" __global__ void __launch_bounds__(shapes::route_block)
    route_experts(const float* logits, unsigned* route, ka::RouteArgs args) {
    const unsigned long long token = blockIdx.x;
    choose_experts(logits + token * args.experts, route + token * 2 * args.chosen, args.experts,
                   args.chosen);
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
