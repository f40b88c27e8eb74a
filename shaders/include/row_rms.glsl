// The RMSNorm's 1 / rms of one row, summed across a workgroup of GROUP_SIZE invocations (a power
// of two up to MAX_GROUP_SIZE: a GPU takes many, so each has few dependent loads to wait for).
// The includer declares the row's buffer `x`. (The shared array is sized by a plain constant:
// MoltenVK cannot size one by a specialization constant.)
layout(constant_id = 0) const uint GROUP_SIZE = 64u;
layout(local_size_x_id = 0) in;
const uint MAX_GROUP_SIZE = rms_norm_max_group_size;

shared float partial[MAX_GROUP_SIZE];

// 1 / sqrt(mean(x^2) + eps) over x[first .. first + count); every invocation calls it.
float inverse_rms(uint first, uint count, float eps) {
    uint t = gl_LocalInvocationID.x;
    float sum = 0.0;
    for (uint i = t; i < count; i += GROUP_SIZE) sum += x[first + i] * x[first + i];
    partial[t] = sum;
    barrier();
    for (uint half_size = GROUP_SIZE / 2u; half_size > 0u; half_size >>= 1) {
        if (t < half_size) partial[t] += partial[t + half_size];
        barrier();
    }
    return inversesqrt(partial[0] / float(count) + eps);
}
