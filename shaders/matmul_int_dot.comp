#version 450
// A batch's MXFP4 and Q8_0 products over int8 x (quantize_q8.comp) with packed integer dot
// products. See include/matmul_body.glsl (INPUT_Q8).
#extension GL_GOOGLE_include_directive : require
#define INPUT_Q8
#include "kernel_args.h"
#include "matmul_body.glsl"
