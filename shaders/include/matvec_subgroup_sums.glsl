// The matvec body's sums where the device has subgroup arithmetic (matvec.comp,
// matvec_int_dot.comp): each subgroup sums its shares without barriers, and one shared-memory step
// adds the subgroups. The includer has included matvec_body.glsl.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require

// The host keeps GROUP_SIZE / subgroup size at most this.
const uint MAX_SUBGROUPS = matvec_max_subgroups;

// partial[d * MAX_SUBGROUPS + s]: subgroup s's share of dot d.
shared float partial[MAX_DOTS * MAX_SUBGROUPS];

void reduce_dots(float dots[MAX_DOTS]) {
    for (uint d = 0u; d < MAX_DOTS; ++d) {
        if (!dot_used(d)) continue;
        float sum = subgroupAdd(dots[d]);
        if (subgroupElect()) partial[d * MAX_SUBGROUPS + gl_SubgroupID] = sum;
    }
    barrier();
}

float reduced_dot(uint d) {
    float sum = 0.0;
    for (uint s = 0u; s < gl_NumSubgroups; ++s) sum += partial[d * MAX_SUBGROUPS + s];
    return sum;
}
