#version 450
// out = gain * x / sqrt(mean(x^2) + eps), one workgroup per row (per token: x: the row).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

// Invocations, a power of two up to MAX_GROUP_SIZE: a GPU takes many, so each has few dependent
// loads to wait for. (The shared array is sized by a plain constant: MoltenVK cannot size one by
// a specialization constant.)
layout(constant_id = 0) const uint GROUP_SIZE = 64u;
layout(local_size_x_id = 0) in;
const uint MAX_GROUP_SIZE = rms_norm_max_group_size;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Gain { float gain[]; };
layout(std430, binding = 2) writeonly buffer Output { float result[]; };

layout(push_constant) uniform PushConstants { RmsNormArgs args; };

shared float partial[MAX_GROUP_SIZE];

void main() {
    uint t = gl_LocalInvocationID.x, row = gl_WorkGroupID.x * args.count;
    float sum = 0.0;
    for (uint i = t; i < args.count; i += GROUP_SIZE) sum += x[row + i] * x[row + i];
    partial[t] = sum;
    barrier();
    for (uint half_size = GROUP_SIZE / 2u; half_size > 0u; half_size >>= 1) {
        if (t < half_size) partial[t] += partial[t + half_size];
        barrier();
    }
    float inverse = inversesqrt(partial[0] / float(args.count) + args.eps);
    for (uint i = t; i < args.count; i += GROUP_SIZE) {
        result[row + i] = gain[i] * (x[row + i] * inverse);
    }
}
