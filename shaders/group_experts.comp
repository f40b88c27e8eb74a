#version 450
// For a batch of tokens: per expert, the entries token * slots + slot of the tokens that chose
// it (route_experts.comp's rows), which matmul.comp's grouped modes read so that each expert's
// weights are read once for all of them, in token order, and the list of matmul.comp's work
// items (the layout in kernel_args.h).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Route { uint route[]; };
layout(std430, binding = 1) writeonly buffer Groups { uint groups[]; };
layout(std430, binding = 2) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { GroupExpertsArgs args; };

shared uint counts[256]; // per expert; route_experts.comp allows no more experts

void main() {
    uint t = gl_LocalInvocationID.x;
    for (uint e = t; e < args.experts; e += 64u) {
        uint count = 0u;
        for (uint token = 0u; token < step.count; ++token) {
            for (uint slot = 0u; slot < args.slots; ++slot) {
                if (route[token * 2u * args.slots + slot] != e) continue;
                groups[args.experts + e * args.capacity + count] = token * args.slots + slot;
                ++count; // a token chooses an expert once: at most one entry per token
            }
        }
        groups[e] = count;
        counts[e] = count;
    }
    barrier();

    // The work list, in expert order: each expert's items start after all earlier experts'.
    uint work = args.experts * (1u + args.capacity), T = args.tokens_per_group;
    for (uint e = t; e < args.experts; e += 64u) {
        uint at = 0u;
        for (uint i = 0u; i < e; ++i) at += (counts[i] + T - 1u) / T;
        uint items = (counts[e] + T - 1u) / T;
        for (uint g = 0u; g < items; ++g) groups[work + 1u + at + g] = (e << 16) | g;
        if (e == args.experts - 1u) groups[work] = at + items;
    }
}
