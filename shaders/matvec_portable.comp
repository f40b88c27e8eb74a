#version 450
// Matrix-vector products on devices without subgroup arithmetic: the whole workgroup computes
// each row and sums it through shared memory. See include/matvec_body.glsl.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

void count_team() {}
uint team_lane() { return gl_LocalInvocationID.x; }
uint team_size() { return 64u; }
uint team_index() { return 0u; }
uint team_count() { return 1u; }

shared float partial[64];

float team_sum(float value) {
    uint t = gl_LocalInvocationID.x;
    partial[t] = value;
    barrier();
    for (uint half_size = 32u; half_size > 0u; half_size >>= 1) {
        if (t < half_size) partial[t] += partial[t + half_size];
        barrier();
    }
    float result = partial[0];
    barrier(); // partial is reused by the next sum
    return result;
}

#include "matvec_body.glsl"
