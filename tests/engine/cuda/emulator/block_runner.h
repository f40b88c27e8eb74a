// Runs a kernel's grid on the CPU: blocks one after another, and a block's threads as fibers on
// this thread, each running until it reaches a barrier (__syncthreads, or a warp's exchange) or
// its end. A barrier opens when every thread still running has reached it; threads waiting at
// different barriers, or a warp's exchange with a lane that has ended, is an error (on a GPU it
// hangs or reads garbage).
#pragma once

#include <functional>
#include <string>

#include "cuda_builtins.h"

namespace hearth::cuda_emulator {

// Empty when the grid ran to its end, else what went wrong (the kernel stopped there).
std::string run_grid(const std::function<void()>& kernel, dim3 grid, dim3 block);

} // namespace hearth::cuda_emulator
