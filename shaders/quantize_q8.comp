#version 450
// Rows of f32 as int8 codes with an f32 scale per 32-value block (q8_block.glsl), which the
// int-dot products read.
// One workgroup per row of `count` values, a multiple of 32. With NORMALIZE the row is first
// taken through the RMSNorm (gain * x / rms(x), as rms_norm.comp), which it writes as f32 too,
// for the products that read it so.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 1) const uint NORMALIZE = 0u;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) readonly buffer Gain { float gain[]; };                // NORMALIZE
layout(std430, binding = 2) writeonly buffer Normalized { float normalized[]; };   // NORMALIZE
layout(std430, binding = 3) writeonly buffer Codes { uint codes[]; }; // four to a word, low first
layout(std430, binding = 4) writeonly buffer Scales { float scales[]; };

layout(push_constant) uniform PushConstants { RmsNormArgs args; };

#include "row_rms.glsl"

void set_q8_word(uint word, uint bits) { codes[word] = bits; }
void set_q8_scale(uint block, float scale) { scales[block] = scale; }
#include "q8_block.glsl"

void main() {
    uint t = gl_LocalInvocationID.x, row = gl_WorkGroupID.x * args.count;
    float inverse = NORMALIZE != 0u ? inverse_rms(row, args.count, args.eps) : 1.0;
    // An invocation per block: rows are short (a token's), so this is a small share of a step.
    for (uint block = t; block < args.count / 32u; block += GROUP_SIZE) {
        uint first = row + 32u * block;
        float v[32];
        for (uint i = 0u; i < 32u; ++i) {
            v[i] = x[first + i];
            if (NORMALIZE != 0u) {
                v[i] = gain[32u * block + i] * (v[i] * inverse);
                normalized[first + i] = v[i];
            }
        }
        quantize_block(v, first / 32u);
    }
}
