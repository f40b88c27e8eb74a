#version 450
// Matrix-vector products where the device has subgroup arithmetic. See include/matvec_body.glsl.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"
#include "matvec_body.glsl"
#include "matvec_subgroup_sums.glsl"
