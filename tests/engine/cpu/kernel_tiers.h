// The kernel tiers a test can run on this CPU.
#pragma once

#include <vector>

#include "backend/cpu/row_kernels.h"

namespace hearth::test {

// Every tier this CPU runs, so a machine with AVX-512 still tests the AVX2 kernels.
inline std::vector<cpu::KernelTier> supported_kernel_tiers() {
    std::vector<cpu::KernelTier> tiers;
    for (auto tier : cpu::all_kernel_tiers) {
        if (cpu::cpu_supports(tier)) tiers.push_back(tier);
    }
    return tiers;
}

} // namespace hearth::test
