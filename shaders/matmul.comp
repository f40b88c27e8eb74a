#version 450
// A batch's matrix products over f32 x. See include/matmul_body.glsl.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"
#include "matmul_body.glsl"
