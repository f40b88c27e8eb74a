#version 450
// Rows of f32 as int8 codes with an f32 scale per 32-value block, which the int-dot matvec reads
// (matvec_int_dot.comp): value = code * scale, the scale the block's largest magnitude / 127.
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

void main() {
    uint t = gl_LocalInvocationID.x, row = gl_WorkGroupID.x * args.count;
    float inverse = NORMALIZE != 0u ? inverse_rms(row, args.count, args.eps) : 1.0;
    // An invocation per block: rows are short (a token's), so this is a small share of a step.
    for (uint block = t; block < args.count / 32u; block += GROUP_SIZE) {
        uint first = row + 32u * block;
        float v[32];
        float largest = 0.0;
        for (uint i = 0u; i < 32u; ++i) {
            v[i] = x[first + i];
            if (NORMALIZE != 0u) {
                v[i] = gain[32u * block + i] * (v[i] * inverse);
                normalized[first + i] = v[i];
            }
            largest = max(largest, abs(v[i]));
        }
        // Clamped so that a block of subnormals gives small codes rather than infinite ones.
        float inverse_scale = largest > 0.0 ? min(127.0 / largest, 3.0e38) : 0.0;
        for (uint w = 0u; w < 8u; ++w) {
            uint word = 0u;
            for (uint k = 0u; k < 4u; ++k) {
                int code = clamp(int(roundEven(v[4u * w + k] * inverse_scale)), -127, 127);
                word |= (uint(code) & 0xFFu) << (8u * k);
            }
            codes[first / 4u + w] = word;
        }
        scales[first / 32u] = largest / 127.0;
    }
}
