#version 450
// x[token] = the embedding row of the step's token, decoded to f32 (y: the token).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint FORMAT = 0u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
layout(std430, binding = 2) readonly buffer Step {
    StepHeader step;
    uint step_tokens[];
};
layout(std430, binding = 3) writeonly buffer Output { float x[]; };

layout(push_constant) uniform PushConstants { EmbedArgs args; };

#include "weight_element.glsl"

void main() {
    uint token = gl_WorkGroupID.y, col = gl_GlobalInvocationID.x;
    if (token >= step.count || col >= args.cols) return;
    x[token * args.cols + col] = weight_element(step_tokens[token], col, args.cols);
}
