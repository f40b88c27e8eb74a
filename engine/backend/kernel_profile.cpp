#include "kernel_profile.h"

#include <algorithm>
#include <string>

namespace hearth::gpu {

std::uint64_t product_read_bytes(const model::ModelConfig& config, std::uint64_t matrix_bytes,
                                 bool experts, bool batched) {
    if (!experts || batched) return matrix_bytes;
    return matrix_bytes * config.experts_per_token / config.expert_count;
}

std::vector<KernelProfile> sum_kernel_times(const model::ModelConfig& config,
                                            std::span<const DispatchLabel> labels,
                                            std::span<const double> times, std::uint32_t position,
                                            std::uint64_t cache_bytes_per_position) {
    std::vector<KernelProfile> kernels;
    for (std::size_t i = 0; i < labels.size() && i + 1 < times.size(); ++i) {
        const auto& label = labels[i];
        std::uint64_t bytes = label.bytes;
        if (label.attention_layer >= 0) {
            const bool sliding =
                config.is_sliding_layer(static_cast<std::uint32_t>(label.attention_layer));
            const std::uint64_t attended =
                sliding ? std::min(position + 1, config.sliding_window) : position + 1;
            bytes = attended * cache_bytes_per_position;
        }
        auto it = std::ranges::find(kernels, label.kernel, &KernelProfile::kernel);
        if (it == kernels.end()) it = kernels.insert(kernels.end(), {std::string(label.kernel)});
        ++it->dispatches;
        it->seconds += times[i + 1] - times[i];
        it->bytes += bytes;
    }
    return kernels;
}

} // namespace hearth::gpu
