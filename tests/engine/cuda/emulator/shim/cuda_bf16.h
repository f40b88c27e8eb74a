// Stands in for the toolkit's cuda_bf16.h when the emulator compiles the kernels with g++: bf16
// and the conversions the kernels use, rounding to nearest even as the GPU does.
#pragma once

#include "../cuda_builtins.h"

struct __nv_bfloat16 {
    unsigned short bits;
    operator float() const { return std::bit_cast<float>(unsigned{bits} << 16); }
};

inline float __bfloat162float(__nv_bfloat16 value) { return value; }

inline __nv_bfloat16 __float2bfloat16_rn(float value) {
    if (std::isnan(value)) return {0x7FC0};
    const unsigned bits = std::bit_cast<unsigned>(value);
    const unsigned rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
    return {static_cast<unsigned short>(rounded >> 16)};
}
