// The CPU backend's SIMD kernel sets, by name: "portable", "avx2" and "avx512". The backend
// uses the best one this CPU runs; a benchmark may pick a lower one to compare them in one run.
#pragma once

#include <string_view>

#include "hearth/error.h"

namespace hearth {

// The set the CPU backend uses now.
std::string_view cpu_kernels_in_use();

// Process-wide, for every CPU backend from then on. Fails, changing nothing, when the name is
// unknown or this CPU lacks the instructions.
Result<void> use_cpu_kernels(std::string_view name);

} // namespace hearth
