#version 450
// The top `chosen` router logits (the lower index first on ties) and the softmax over them:
// route[slot] = expert id, route[chosen + slot] = its weight (f32 bits).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 1) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) writeonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { RouteArgs args; };

const uint max_chosen = 8u; // the host refuses models that choose more

void main() {
    uint ids[max_chosen];
    float values[max_chosen];
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        uint best = args.experts;
        for (uint e = 0u; e < args.experts; ++e) {
            bool taken = false;
            for (uint s = 0u; s < slot; ++s) taken = taken || ids[s] == e;
            if (!taken && (best == args.experts || logits[e] > logits[best])) best = e;
        }
        ids[slot] = best;
        values[slot] = logits[best];
    }
    float largest = values[0], sum = 0.0;
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        values[slot] = exp(values[slot] - largest);
        sum += values[slot];
    }
    for (uint slot = 0u; slot < args.chosen; ++slot) {
        route[slot] = ids[slot];
        route[args.chosen + slot] = floatBitsToUint(values[slot] / sum);
    }
}
