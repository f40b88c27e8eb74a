// The chunks' partial results (partials[g], g < args.groups: see SampleArgs in kernel_args.h),
// copied into shared memory by the whole workgroup at once, for sample_cut and sample_pick, whose
// first invocation walks them in order: it then reads shared memory rather than waiting on one
// global load after another. The includer declares `partials` and `args`.

shared vec4 chunks[sample_max_groups];

void stage_chunks(uint t, uint group_size) {
    for (uint g = t; g < args.groups; g += group_size) chunks[g] = partials[g];
    barrier();
}
