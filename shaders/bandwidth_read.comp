#version 450
// Reads a whole buffer in 16-byte loads, as the matvec shaders read weights: timed, it gives the
// memory bandwidth shaders can reach, the limit a decode step is measured against.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 128) in; // every device allows 128

layout(std430, binding = 0) readonly buffer Source { uvec4 data[]; };
layout(std430, binding = 1) writeonly buffer Sink { uint sink[]; };

layout(push_constant) uniform PushConstants { BandwidthReadArgs args; };

void main() {
    uvec4 folded = uvec4(0u);
    uint stride = gl_NumWorkGroups.x * 128u;
    uint i = gl_GlobalInvocationID.x;
    // Four independent loads per round, so no compiler leaves just one in flight.
    for (; i + 3u * stride < args.count; i += 4u * stride) {
        uvec4 a = data[i], b = data[i + stride], c = data[i + 2u * stride], d = data[i + 3u * stride];
        folded ^= (a ^ b) ^ (c ^ d);
    }
    for (; i < args.count; i += stride) folded ^= data[i];
    // A store that depends on every load, so no compiler drops them; it almost never happens.
    if (all(equal(folded, uvec4(args.unlikely)))) sink[0] = 1u;
}
