#include "automatic_context.h"

#include <string>

#include "hearth/gpu_devices.h"

namespace hearth::app {
namespace {

// What the Vulkan driver says the device `description` names may allocate; 0 when not listed.
std::uint64_t vulkan_device_memory(std::string_view description) {
    auto devices = enumerate_vulkan_devices();
    if (!devices) return 0;
    for (const auto& device : *devices) {
        if (description == "Vulkan on " + device.name)
            return device.device_local_budget_bytes.value_or(device.device_local_bytes);
    }
    return 0;
}

} // namespace

FitDevice fit_device(std::string_view backend, std::string_view description) {
    if (backend == "vulkan") return {vulkan_device_memory(description), gpu_fit_options()};
    return {system_memory_bytes(), cpu_fit_options()};
}

Result<std::uint32_t> automatic_context(const std::filesystem::path& model,
                                        const FitDevice& device) {
    auto fit = check_model_fit(model, device.memory_bytes, device.options);
    if (!fit) return std::unexpected(fit.error());
    return fit->context; // the largest that fits, else the smallest step
}

} // namespace hearth::app
