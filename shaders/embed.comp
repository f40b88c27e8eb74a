#version 450
// x = the embedding row of the step's token, decoded to f32.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint FORMAT = 0u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
layout(std430, binding = 2) readonly buffer Step { StepState step; };
layout(std430, binding = 3) writeonly buffer Output { float x[]; };

layout(push_constant) uniform PushConstants { EmbedArgs args; };

#include "weight_element.glsl"

void main() {
    uint col = gl_GlobalInvocationID.x;
    if (col < args.cols) x[col] = weight_element(step.token, col, args.cols);
}
