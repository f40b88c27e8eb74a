#version 450
// out = gain * x / sqrt(mean(x^2) + eps), one workgroup per row (per token: x: the row).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Gain { float gain[]; };
layout(std430, binding = 2) writeonly buffer Output { float result[]; };

layout(push_constant) uniform PushConstants { RmsNormArgs args; };

#include "row_rms.glsl"

void main() {
    uint t = gl_LocalInvocationID.x, row = gl_WorkGroupID.x * args.count;
    float inverse = inverse_rms(row, args.count, args.eps);
    for (uint i = t; i < args.count; i += GROUP_SIZE) {
        result[row + i] = gain[i] * (x[row + i] * inverse);
    }
}
