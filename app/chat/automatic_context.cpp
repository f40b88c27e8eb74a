#include "automatic_context.h"

#include <string>

#include "hearth/gpu_devices.h"

namespace hearth::app {
namespace {

// The GPU the description names, with what its driver says this process may still allocate
// (VK_EXT_memory_budget) or else its whole memory; no memory when not listed.
FitDevice vulkan_fit_device(std::string_view description) {
    FitDevice device{0, gpu_fit_options()};
    auto devices = enumerate_vulkan_devices();
    if (!devices) return device;
    for (const auto& gpu : *devices) {
        if (description != "Vulkan on " + gpu.name) continue;
        device.memory_bytes = gpu.device_local_budget_bytes.value_or(gpu.device_local_bytes);
        device.weights_already_allocated = gpu.device_local_budget_bytes.has_value();
    }
    return device;
}

} // namespace

FitDevice fit_device(std::string_view backend, std::string_view description) {
    if (backend == "vulkan") return vulkan_fit_device(description);
    return {system_memory_bytes(), cpu_fit_options()};
}

Result<std::uint32_t> automatic_context(const std::filesystem::path& model,
                                        const FitDevice& device) {
    std::uint64_t memory = device.memory_bytes;
    if (device.weights_already_allocated) {
        // The fit check counts the weights: give back what they took.
        auto weights = check_model_fit(model, 0, device.options, device.options.min_context);
        if (!weights) return std::unexpected(weights.error());
        memory += weights->need.weights;
    }
    auto fit = check_model_fit(model, memory, device.options);
    if (!fit) return std::unexpected(fit.error());
    // The largest that fits (else the smallest step), within the longest offered.
    return std::max(std::min(fit->context, device.longest), device.options.min_context);
}

} // namespace hearth::app
