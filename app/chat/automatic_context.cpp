#include "automatic_context.h"

#include <algorithm>

namespace hearth::app {

FitDevice fit_device(std::optional<std::uint64_t> device_free, KvCachePrecision kv_cache) {
    if (device_free) return {*device_free, gpu_fit_options(kv_cache), true};
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
    // The largest that fits (else the smallest step), within the longest offered, and never past
    // the model's own length (which may be shorter than the smallest step).
    const std::uint32_t wanted =
        std::max(std::min(fit->context, device.longest), device.options.min_context);
    return std::min(wanted, fit->model_context);
}

} // namespace hearth::app
