#version 450
// The top `chosen` router logits (the lower index first on ties) and the softmax over them, one
// workgroup per token (x): route[slot] = expert id, route[chosen + slot] = its weight (f32 bits),
// in the token's row of 2 * chosen words.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

// The logits are gathered into shared memory by the whole workgroup first: one invocation
// reading them from device memory one after another waits out each load's latency in turn.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) writeonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { RouteArgs args; };

const uint max_chosen = 8u;    // the host refuses models that choose more
const uint max_experts = 256u; // or that have more experts

shared float gathered[max_experts];

void main() {
    uint token = gl_WorkGroupID.x;
    for (uint e = gl_LocalInvocationID.x; e < args.experts; e += 64u) {
        gathered[e] = logits[token * args.experts + e];
    }
    barrier();
    if (gl_LocalInvocationID.x != 0u) return;
    uint ids[max_chosen];
    float values[max_chosen];
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        uint best = args.experts;
        for (uint e = 0u; e < args.experts; ++e) {
            bool taken = false;
            for (uint s = 0u; s < slot; ++s) taken = taken || ids[s] == e;
            if (!taken && (best == args.experts || gathered[e] > gathered[best])) best = e;
        }
        ids[slot] = best;
        values[slot] = gathered[best];
    }
    float largest = values[0], sum = 0.0;
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        values[slot] = exp(values[slot] - largest);
        sum += values[slot];
    }
    uint row = token * 2u * args.chosen;
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        route[row + slot] = ids[slot];
        route[row + args.chosen + slot] = floatBitsToUint(values[slot] / sum);
    }
}
