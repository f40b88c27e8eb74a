#include "hearth/cpu_kernels.h"

#include <string>

#include "row_kernels.h"

namespace hearth {

std::string_view cpu_kernels_in_use() { return cpu::kernel_tier_name(cpu::active_kernel_tier()); }

Result<void> use_cpu_kernels(std::string_view name) {
    std::string known;
    for (auto tier : cpu::all_kernel_tiers) {
        known += (known.empty() ? "" : ", ") + std::string(cpu::kernel_tier_name(tier));
        if (name != cpu::kernel_tier_name(tier)) continue;
        if (!cpu::use_kernel_tier(tier)) {
            return fail("this CPU cannot run the " + std::string(name) + " kernels");
        }
        return {};
    }
    return fail("unknown CPU kernels \"" + std::string(name) + "\" (expected one of: " + known +
                ")");
}

} // namespace hearth
