#version 450
// The last step of attention: each head's (x) split partial results (attention_decode.comp)
// merged with the head's learned sink logit, which joins the softmax but has no value, for each
// token (y).
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, binding = 1) readonly buffer Sinks { float sinks[]; };
layout(std430, binding = 2) writeonly buffer Output { float result[]; };

layout(push_constant) uniform PushConstants { AttentionCombineArgs args; };

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y, heads = gl_NumWorkGroups.x;
    uint first = (token * heads + head) * args.splits * (HEAD_DIM + 2u);
    float sink = sinks[head];
    float m = sink;
    for (uint s = 0u; s < args.splits; ++s) {
        m = max(m, partials[first + s * (HEAD_DIM + 2u) + HEAD_DIM]);
    }
    float denominator = exp(sink - m);
    for (uint s = 0u; s < args.splits; ++s) {
        uint at = first + s * (HEAD_DIM + 2u);
        denominator += partials[at + HEAD_DIM + 1u] * exp(partials[at + HEAD_DIM] - m);
    }
    for (uint d = gl_LocalInvocationID.x; d < HEAD_DIM; d += 64u) {
        float sum = 0.0;
        for (uint s = 0u; s < args.splits; ++s) {
            uint at = first + s * (HEAD_DIM + 2u);
            sum += partials[at + d] * exp(partials[at + HEAD_DIM] - m);
        }
        result[(token * heads + head) * HEAD_DIM + d] = sum / denominator;
    }
}
