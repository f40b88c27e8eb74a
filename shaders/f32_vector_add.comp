#version 450
// Element-wise sum of two f32 vectors. The smoke test of the whole shader pipeline: GLSL ->
// SPIR-V at build time -> embedded -> dispatched by the engine's Vulkan layer.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer InputA { float a[]; };
layout(std430, binding = 1) readonly buffer InputB { float b[]; };
layout(std430, binding = 2) writeonly buffer Output { float result[]; };

layout(push_constant) uniform PushConstants { VectorAddArgs args; };

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < args.count) {
        result[i] = a[i] + b[i];
    }
}
