#version 450
// The last step of a batch's attention: each head's (x) split partial results
// (attention_prefill.comp) merged with the head's sink, for each token (y). One token's
// attention (attention_decode.comp) merges its own. Tokens past the step's count (a batch's last
// recording runs them all) are left alone.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint HEAD_DIM = 64u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, binding = 1) readonly buffer Sinks { float sinks[]; };
layout(std430, binding = 2) writeonly buffer Output { float result[]; };
layout(std430, binding = 3) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { AttentionCombineArgs args; };

#include "attention_merge.glsl"

// `first`: where a (token, head)'s partial results start.
float split_maximum(uint first, uint s) { return partials[partial_at(first, s) + HEAD_DIM]; }
float split_sum(uint first, uint s) { return partials[partial_at(first, s) + HEAD_DIM + 1u]; }

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y, heads = gl_NumWorkGroups.x;
    if (token >= step.count) return;
    uint first = (token * heads + head) * args.splits * (HEAD_DIM + 2u);
    float m, denominator;
    merge_weights(first, args.splits, sinks[head], m, denominator);
    for (uint d = gl_LocalInvocationID.x; d < HEAD_DIM; d += 64u) {
        float sum = 0.0;
        for (uint s = 0u; s < args.splits; ++s) {
            sum += partials[partial_at(first, s) + d] * exp(split_maximum(first, s) - m);
        }
        result[(token * heads + head) * HEAD_DIM + d] = sum / denominator;
    }
}
