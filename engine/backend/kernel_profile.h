// Per-kernel device time of a profiled step or batch (KernelProfile), summed the same way by both
// GPU backends from a timestamp before their first launch and one after each.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hearth/model.h"
#include "model/model_config.h"

namespace hearth::gpu {

// What a launch (dispatch) of a profiled recording is.
struct DispatchLabel {
    std::string_view kernel;  // its name in the profile: text that outlives the recording
    std::uint64_t bytes = 0;  // weights it reads
    int attention_layer = -1; // reads that layer's cache: bytes depend on the position
};

// The bytes a product reads of its matrix (`matrix_bytes`: codes and scales, of every expert for
// an expert matrix): one token reads only the experts it chose, a batch about all of them.
std::uint64_t product_read_bytes(const model::ModelConfig& config, std::uint64_t matrix_bytes,
                                 bool experts, bool batched);

// Device seconds, launches and bytes per kernel name, in the order each name first ran. `times`
// holds a time before the first launch and one after each of `labels`; an attention launch of a
// token at `position` reads `cache_bytes_per_position` (keys and values of every KV head) for
// each position it attends.
std::vector<KernelProfile> sum_kernel_times(const model::ModelConfig& config,
                                            std::span<const DispatchLabel> labels,
                                            std::span<const double> times, std::uint32_t position,
                                            std::uint64_t cache_bytes_per_position);

} // namespace hearth::gpu
