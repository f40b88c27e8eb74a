// The emulator's kernels by the names the backend launches them by (kernel_names.h), each with
// its parameters' sizes, so a launch can be called with cuLaunchKernel's argument pointers or
// kept in a graph by value.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace hearth::cuda_emulator {

struct Kernel {
    std::vector<std::size_t> parameter_bytes;
    void (*call)(void** parameters); // parameters[i] points at parameter i
};

// Null when no kernel has that name.
const Kernel* find_kernel(std::string_view name);

} // namespace hearth::cuda_emulator
