#version 450
// For a batch of tokens: per expert, the entries token * slots + slot of the tokens that chose
// it (route_experts.comp's rows), which the grouped matvec modes read so that each expert's
// weights are read once for all of them: groups[expert] = the count, then from
// groups[experts + expert * capacity] the entries, in token order.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Route { uint route[]; };
layout(std430, binding = 1) writeonly buffer Groups { uint groups[]; };
layout(std430, binding = 2) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { GroupExpertsArgs args; };

void main() {
    for (uint e = gl_LocalInvocationID.x; e < args.experts; e += 64u) {
        uint count = 0u;
        for (uint token = 0u; token < step.count; ++token) {
            for (uint slot = 0u; slot < args.slots; ++slot) {
                if (route[token * 2u * args.slots + slot] != e) continue;
                groups[args.experts + e * args.capacity + count] = token * args.slots + slot;
                ++count; // a token chooses an expert once: at most one entry per token
            }
        }
        groups[e] = count;
    }
}
