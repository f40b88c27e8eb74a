#version 450
// The top `chosen` router logits (the lower index first on ties) and the softmax over them, one
// workgroup per token (x): route[slot] = expert id, route[chosen + slot] = its weight (f32 bits),
// in the token's row of 2 * chosen words.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

// Every invocation ranks its own experts against all the others at once: no invocation walks
// the logits slot after slot, and no array is indexed by a loop counter (a GPU keeps such arrays
// in slow per-thread memory).
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) writeonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { RouteArgs args; };

const uint max_chosen = 8u;    // the host refuses models that choose more
const uint max_experts = 256u; // or that have more experts

shared uint ranked[max_experts]; // order-preserving keys of the logits
shared float chosen_logits[max_chosen];

// A key per logit whose unsigned order is the logits' order, -0 equal to +0, and a NaN below
// every number: integers, so no compiler assumption about NaN can make two experts tie.
uint rank_key(float logit) {
    uint bits = floatBitsToUint(logit), magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return 0u; // NaN
    if (magnitude == 0u) bits = 0u;
    return (bits & 0x80000000u) != 0u ? ~bits : bits | 0x80000000u;
}

void main() {
    uint token = gl_WorkGroupID.x, t = gl_LocalInvocationID.x;
    for (uint e = t; e < args.experts; e += 64u) {
        ranked[e] = rank_key(logits[token * args.experts + e]);
    }
    barrier();
    uint row = token * 2u * args.chosen;
    // An expert's rank: how many experts have a larger logit, or an equal one and a lower index.
    for (uint e = t; e < args.experts; e += 64u) {
        uint key = ranked[e], rank = 0u;
        for (uint other = 0u; other < args.experts; ++other) {
            uint rival = ranked[other];
            if (rival > key || (rival == key && other < e)) ++rank;
        }
        if (rank < args.chosen) {
            route[row + rank] = e;
            chosen_logits[rank] = logits[token * args.experts + e];
        }
    }
    barrier();
    if (t >= args.chosen) return;
    // Each invocation sums the slots in slot order, so all of them divide by the same sum.
    float largest = chosen_logits[0], sum = 0.0;
    for (uint slot = 0u; slot < args.chosen; ++slot) sum += exp(chosen_logits[slot] - largest);
    route[row + args.chosen + t] = floatBitsToUint(exp(chosen_logits[t] - largest) / sum);
}
