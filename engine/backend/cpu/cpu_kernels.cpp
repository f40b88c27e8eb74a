#include "hearth/cpu_kernels.h"

#include <string>

#include "row_kernels.h"

namespace hearth {

std::string_view cpu_kernels_in_use() { return cpu::kernel_tier_name(cpu::active_kernel_tier()); }

Result<void> use_cpu_kernels(std::string_view name) {
    for (auto tier :
         {cpu::KernelTier::portable, cpu::KernelTier::avx2, cpu::KernelTier::avx512_bf16}) {
        if (name != cpu::kernel_tier_name(tier)) continue;
        if (!cpu::use_kernel_tier(tier)) {
            return fail("this CPU cannot run the " + std::string(name) + " kernels");
        }
        return {};
    }
    return fail("unknown CPU kernels \"" + std::string(name) +
                "\" (expected portable, avx2 or avx512-bf16)");
}

} // namespace hearth
