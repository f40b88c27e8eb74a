#version 450
// Sampling's third step (see SampleArgs in kernel_args.h): per chunk (x), the weight of the ids
// the draw keeps, relative to the largest logit of all, into partials[g].y for sample_pick.
// Without top-p or min-p every usable id is kept, and the chunk's sum only changes reference.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 128) in; // sample_group_size

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Excluded { uint excluded[]; };
layout(std430, binding = 2) readonly buffer Draw { SampleDraw draw; };
layout(std430, binding = 3) buffer Partials { vec4 partials[]; };

layout(push_constant) uniform PushConstants { SampleArgs args; };

#include "sampling.glsl"

shared float sums[sample_group_size];

void main() {
    if (draw.temperature <= 0.0) return; // greedy reads only the chunks' best ids
    uint t = gl_LocalInvocationID.x, g = gl_WorkGroupID.x;
    vec4 header = partials[args.groups];
    float top = header.x, cut = header.z;
    if (cut == negative_infinity && draw.min_p <= 0.0) { // the whole workgroup
        vec4 chunk = partials[g];
        if (t == 0u) {
            partials[g].y = chunk.x > negative_infinity ? chunk.y * weight_of(chunk.x, top) : 0.0;
        }
        return;
    }
    uint begin = g * args.chunk, end = min(begin + args.chunk, args.vocab);
    float mass = 0.0;
    for (uint id = begin + t; id < end; id += sample_group_size) {
        float logit = logits[id];
        if (kept(id, logit, top, cut)) mass += weight_of(logit, top);
    }
    sums[t] = mass;
    barrier();
    for (uint half_size = sample_group_size / 2u; half_size > 0u; half_size /= 2u) {
        if (t < half_size) sums[t] += sums[t + half_size];
        barrier();
    }
    if (t == 0u) partials[g].y = sums[0];
}
