// What nvcc gives device code without an include, for g++: the qualifiers, the built-in vector
// types and thread indices, the intrinsics and math functions the kernels use, and __half. The
// emulator compiles engine/backend/cuda/kernels with this header first, so the same kernel
// sources run on the CPU (block_runner.h runs a block's threads as fibers).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

// Device code needs no qualifiers on the CPU; shared memory is one copy per kernel, which is
// right because blocks run one at a time.
#define __global__
#define __device__
#define __constant__
#define __shared__ static
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(bytes) __attribute__((aligned(bytes)))
// The emulated GPU's compute capability (8.9): kernels take their sm_80-on paths.
#define __CUDA_ARCH__ 890

struct uint3 {
    unsigned x = 0, y = 0, z = 0;
};
using dim3 = uint3;
struct alignas(8) float2 {
    float x, y;
};
struct alignas(16) float4 {
    float x, y, z, w;
};
struct alignas(16) uint4 {
    unsigned x, y, z, w;
};
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline uint4 make_uint4(unsigned x, unsigned y, unsigned z, unsigned w) { return {x, y, z, w}; }

// The running thread's indices: the block runner sets them before it resumes a thread.
extern uint3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;

namespace hearth::cuda_emulator {
// Implemented by block_runner.cpp: the barrier of __syncthreads, and a warp's exchange of one
// value per lane (each lane gets lane ^ mask's).
void sync_block();
std::uint64_t exchange_in_warp(std::uint64_t bits, unsigned lane_mask);
// Stops the block with `why`: device code broke a rule the GPU has (the launch fails).
[[noreturn]] void fail_launch(const char* why);
} // namespace hearth::cuda_emulator

inline void __syncthreads() {
    hearth::cuda_emulator::sync_block();
    // Shared memory is plain statics: make the compiler reload them after the barrier.
    asm volatile("" ::: "memory");
}

template <typename T>
T __shfl_xor_sync(unsigned /*mask: the emulator checks every lane takes part*/, T value,
                  int lane_mask) {
    static_assert(sizeof(T) <= sizeof(std::uint64_t) && std::is_trivially_copyable_v<T>);
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    bits = hearth::cuda_emulator::exchange_in_warp(bits, static_cast<unsigned>(lane_mask));
    std::memcpy(&value, &bits, sizeof(T));
    asm volatile("" ::: "memory");
    return value;
}

template <typename T>
T __ldg(const T* address) {
    return *address;
}
template <typename T>
T __ldcg(const T* address) {
    return *address;
}

// Blocks run one at a time and a block's threads switch only at barriers, so a plain update is
// atomic and every write is seen.
inline unsigned atomicAdd(unsigned* address, unsigned value) {
    const unsigned old = *address;
    *address = old + value;
    return old;
}
inline void __threadfence() { asm volatile("" ::: "memory"); }

inline float __uint_as_float(unsigned bits) { return std::bit_cast<float>(bits); }
inline unsigned __float_as_uint(float value) { return std::bit_cast<unsigned>(value); }

inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

// c plus the products of a's and b's four signed bytes.
inline int __dp4a(int a, int b, int c) {
    for (int byte = 0; byte < 4; ++byte) {
        c += static_cast<int>(static_cast<std::int8_t>(a >> (8 * byte))) *
             static_cast<int>(static_cast<std::int8_t>(b >> (8 * byte)));
    }
    return c;
}
// Byte n of the result is byte (s >> 4n) & 7 of y:x (x's bytes first).
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
    const std::uint64_t bytes = std::uint64_t{y} << 32 | x;
    unsigned result = 0;
    for (unsigned n = 0; n < 4; ++n)
        result |= static_cast<unsigned>((bytes >> (8 * ((s >> (4 * n)) & 7u))) & 0xFFu) << (8 * n);
    return result;
}
using std::isinf;
using std::isnan;

// IEEE half precision, converted with round-to-nearest-even as the GPU does.
struct __half {
    _Float16 value;
    operator float() const { return static_cast<float>(value); }
};
inline __half __float2half_rn(float value) { return {static_cast<_Float16>(value)}; }
inline float __half2float(__half value) { return static_cast<float>(value.value); }
inline __half __ushort_as_half(unsigned short bits) { return std::bit_cast<__half>(bits); }
