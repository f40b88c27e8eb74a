// Streams over device memory for the bandwidth limit hearth-bench compares decoding against:
// a read (what decoding does) and a copy (the figure other tools quote). Grid-stride loops of
// 16-byte words.
#pragma once

#include "common.cuh"

extern "C" __global__ void bandwidth_read(const uint4* data, unsigned* sink,
                                          ka::BandwidthReadArgs args) {
    uint4 folded = make_uint4(0, 0, 0, 0);
    const unsigned long long stride = static_cast<unsigned long long>(gridDim.x) * blockDim.x;
    unsigned long long i = static_cast<unsigned long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    // Four independent loads per round, so no compiler leaves just one in flight.
    for (; i + 3 * stride < args.count; i += 4 * stride) {
        const uint4 a = data[i], b = data[i + stride], c = data[i + 2 * stride],
                    d = data[i + 3 * stride];
        folded.x ^= (a.x ^ b.x) ^ (c.x ^ d.x);
        folded.y ^= (a.y ^ b.y) ^ (c.y ^ d.y);
        folded.z ^= (a.z ^ b.z) ^ (c.z ^ d.z);
        folded.w ^= (a.w ^ b.w) ^ (c.w ^ d.w);
    }
    for (; i < args.count; i += stride) {
        folded.x ^= data[i].x;
        folded.y ^= data[i].y;
        folded.z ^= data[i].z;
        folded.w ^= data[i].w;
    }
    // A store that depends on every load, so no compiler drops them; it almost never happens.
    if (folded.x == args.unlikely && folded.y == args.unlikely && folded.z == args.unlikely &&
        folded.w == args.unlikely) {
        sink[0] = 1;
    }
}

extern "C" __global__ void bandwidth_copy(const uint4* source, uint4* target, unsigned count) {
    const unsigned long long stride = static_cast<unsigned long long>(gridDim.x) * blockDim.x;
    for (unsigned long long i =
             static_cast<unsigned long long>(blockIdx.x) * blockDim.x + threadIdx.x;
         i < count; i += stride) {
        target[i] = source[i];
    }
}
