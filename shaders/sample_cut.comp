#version 450
// Sampling's second step (see SampleArgs in kernel_args.h), one workgroup: the largest logit,
// the total weight and, with top-p below 1, the cut: the largest value v such that the weight of
// the usable logits >= v reaches top_p of the total. It is found by bisection over the floats in
// their order, each step weighing the whole vocabulary; v is then a logit, and every id at it is
// kept, as the host sampler keeps the ties at its last kept token.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint CUT_GROUP_SIZE = 128u; // a power of two, at most the max
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Excluded { uint excluded[]; };
layout(std430, binding = 2) readonly buffer Draw { SampleDraw draw; };
layout(std430, binding = 3) buffer Partials { vec4 partials[]; };

layout(push_constant) uniform PushConstants { SampleArgs args; };

#include "sample_chunks.glsl"
#include "sampling.glsl"

shared float top, total;
shared float sums[sample_cut_max_group_size];

// Floats in their order as unsigned integers, and back.
uint order_key(float v) {
    uint bits = floatBitsToUint(v);
    return (bits & 0x80000000u) != 0u ? ~bits : bits | 0x80000000u;
}
float from_order_key(uint key) {
    return uintBitsToFloat((key & 0x80000000u) != 0u ? key & 0x7FFFFFFFu : ~key);
}

// The weight of the usable logits at or above v, summed by the whole workgroup.
float weight_from(float v) {
    uint t = gl_LocalInvocationID.x;
    float mass = 0.0;
    for (uint id = t; id < args.vocab; id += CUT_GROUP_SIZE) {
        float logit = logits[id];
        if (usable(id, logit) && logit >= v) mass += weight_of(logit, top);
    }
    sums[t] = mass;
    barrier();
    for (uint half_size = CUT_GROUP_SIZE / 2u; half_size > 0u; half_size /= 2u) {
        if (t < half_size) sums[t] += sums[t + half_size];
        barrier();
    }
    float result = sums[0];
    barrier(); // everyone has read it before the next call writes
    return result;
}

void main() {
    uint t = gl_LocalInvocationID.x;
    if (draw.temperature <= 0.0) return; // greedy reads only the chunks' best ids
    stage_chunks(t, CUT_GROUP_SIZE);
    if (t == 0u) {
        float largest = negative_infinity;
        for (uint g = 0u; g < args.groups; ++g) largest = max(largest, chunks[g].x);
        float sum = 0.0;
        for (uint g = 0u; g < args.groups; ++g) {
            vec4 chunk = chunks[g];
            if (chunk.x > negative_infinity) sum += chunk.y * weight_of(chunk.x, largest);
        }
        top = largest;
        total = sum;
    }
    barrier();
    float cut = negative_infinity;
    if (draw.top_p < 1.0 && top > negative_infinity) {
        // Invariant: the weight from value(low) reaches the target (from -infinity it is all).
        float target = draw.top_p * total;
        uint low = order_key(negative_infinity), high = order_key(top);
        while (low < high) { // the same in every invocation: they read the same sums
            uint middle = low + (high - low + 1u) / 2u;
            if (weight_from(from_order_key(middle)) >= target) {
                low = middle;
            } else {
                high = middle - 1u;
            }
        }
        cut = from_order_key(low);
    }
    if (t == 0u) partials[args.groups] = vec4(top, total, cut, 0.0);
}
