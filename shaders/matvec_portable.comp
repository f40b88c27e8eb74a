#version 450
// Matrix-vector products on devices without subgroup arithmetic: the shares are summed by a tree
// in shared memory. See include/matvec_body.glsl.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"
#include "matvec_body.glsl"

// partial[d * MAX_PORTABLE_GROUP + t]: invocation t's share of dot d, halved in place each round.
const uint MAX_PORTABLE_GROUP = matvec_portable_max_group_size;
shared float partial[MAX_DOTS * MAX_PORTABLE_GROUP];

void reduce_dots(float dots[MAX_DOTS]) {
    uint t = gl_LocalInvocationID.x;
    for (uint d = 0u; d < MAX_DOTS; ++d) {
        if (dot_used(d)) partial[d * MAX_PORTABLE_GROUP + t] = dots[d];
    }
    barrier();
    for (uint half_size = GROUP_SIZE / 2u; half_size > 0u; half_size >>= 1) {
        if (t < half_size) {
            for (uint d = 0u; d < MAX_DOTS; ++d) {
                uint at = d * MAX_PORTABLE_GROUP + t;
                if (dot_used(d)) partial[at] += partial[at + half_size];
            }
        }
        barrier();
    }
}

float reduced_dot(uint d) { return partial[d * MAX_PORTABLE_GROUP]; }
