#version 450
// Sampling's first step (see SampleArgs in kernel_args.h): per workgroup, the
// largest logit, the sum of the softmax weights relative to it, and the best id, over a chunk of
// the vocabulary. Excluded ids (a bit each) and -infinity or NaN logits are never drawn.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 128) in; // sample_group_size

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Excluded { uint excluded[]; };
layout(std430, binding = 2) readonly buffer Draw { SampleDraw draw; };
layout(std430, binding = 3) writeonly buffer Partials { vec4 partials[]; };

layout(push_constant) uniform PushConstants { SampleArgs args; };

#include "sampling.glsl"

shared float largest_of[sample_group_size];
shared float sum_of[sample_group_size];
shared float best_of[sample_group_size];
shared uint best_id_of[sample_group_size];

// Two (largest, sum relative to largest) pairs as one.
void merge(inout float largest, inout float sum, float other_largest, float other_sum) {
    float merged = max(largest, other_largest);
    if (merged == negative_infinity) return;
    sum = sum * exp((largest - merged) / draw.temperature) +
          other_sum * exp((other_largest - merged) / draw.temperature);
    largest = merged;
}

void main() {
    uint t = gl_LocalInvocationID.x;
    uint begin = gl_WorkGroupID.x * args.chunk;
    uint end = min(begin + args.chunk, args.vocab);
    bool drawing = draw.temperature > 0.0;
    float largest = negative_infinity, sum = 0.0, best = negative_infinity;
    uint best_id = 0xFFFFFFFFu;
    // Each invocation's ids ascend, so a strictly larger logit keeps the lower id on ties.
    for (uint id = begin + t; id < end; id += sample_group_size) {
        float logit = logits[id];
        if (!usable(id, logit)) continue;
        if (logit > best) {
            best = logit;
            best_id = id;
        }
        if (drawing) merge(largest, sum, logit, 1.0);
    }
    largest_of[t] = largest;
    sum_of[t] = sum;
    best_of[t] = best;
    best_id_of[t] = best_id;
    barrier();
    for (uint half_size = sample_group_size / 2u; half_size > 0u; half_size /= 2u) {
        if (t < half_size) {
            uint o = t + half_size;
            if (best_of[o] > best_of[t] || (best_of[o] == best_of[t] && best_id_of[o] < best_id_of[t])) {
                best_of[t] = best_of[o];
                best_id_of[t] = best_id_of[o];
            }
            if (drawing) {
                float l = largest_of[t], s = sum_of[t];
                merge(l, s, largest_of[o], sum_of[o]);
                largest_of[t] = l;
                sum_of[t] = s;
            }
        }
        barrier();
    }
    if (t == 0u) {
        partials[gl_WorkGroupID.x] =
            vec4(largest_of[0], sum_of[0], best_of[0], uintBitsToFloat(best_id_of[0]));
    }
}
