#version 450
// matvec.comp over an x of int8 codes with a scale per 32-value block (quantize_q8.comp), for
// rows of MXFP4 or Q8_0: each piece's dot is two packed integer dot products, and a row's pass
// reads a quarter of the bytes of x that f32 takes. See include/matvec_body.glsl (INPUT_Q8).
#extension GL_GOOGLE_include_directive : require
#define INPUT_Q8
#include "kernel_args.h"
#include "matvec_body.glsl"
#include "matvec_subgroup_sums.glsl"
