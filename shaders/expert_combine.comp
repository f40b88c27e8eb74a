#version 450
// For a batch of tokens: x[token] += sum over its slots of the route weight times the grouped
// down projection's row for that slot (biases included), one workgroup row per token (y).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Down { float down[]; };
layout(std430, binding = 1) readonly buffer Route { uint route[]; };
layout(std430, binding = 2) buffer Residual { float x[]; };
layout(std430, binding = 3) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { ExpertCombineArgs args; };

void main() {
    uint token = gl_WorkGroupID.y, j = gl_GlobalInvocationID.x;
    if (token >= step.count || j >= args.cols) return;
    float sum = 0.0;
    for (uint slot = 0u; slot < args.slots; ++slot) {
        float weight = uintBitsToFloat(route[token * 2u * args.slots + args.slots + slot]);
        sum += weight * down[(token * args.slots + slot) * args.cols + j];
    }
    x[token * args.cols + j] += sum;
}
