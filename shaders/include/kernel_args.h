// Push-constant argument structs shared by the host (C++) and the compute shaders (GLSL), so the
// two sides can never disagree on a layout. Only 32-bit scalars: std430 and C++ lay them out alike.
#ifndef HEARTH_KERNEL_ARGS_H
#define HEARTH_KERNEL_ARGS_H

#ifdef __cplusplus
#include <cstdint>
namespace hearth::kernel_args {
using uint = std::uint32_t;
#endif

// f32_vector_add: out[i] = a[i] + b[i] for i < count.
struct VectorAddArgs {
    uint count;
};

#ifdef __cplusplus
static_assert(sizeof(VectorAddArgs) == 4);
} // namespace hearth::kernel_args
#endif

#endif
