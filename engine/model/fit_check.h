// The fit check's arithmetic on hyperparameters (hearth/fit_check.h opens the file first).
#pragma once

#include <cstdint>
#include <optional>

#include "hearth/fit_check.h"
#include "model_config.h"

namespace hearth::model {

// K and V of every layer at `context` positions: full layers hold all of them, sliding layers
// their window plus options.sliding_extra_positions.
std::uint64_t kv_cache_bytes(const ModelConfig& config, std::uint32_t context,
                             const FitOptions& options);

// K and V of one position in one layer: every KV head's row.
std::uint64_t kv_position_bytes(const ModelConfig& config, const FitOptions& options);

// Activation buffers of one chunk, the logits, and the norms, sinks and biases a backend decodes
// to fp32 once.
std::uint64_t scratch_bytes(const ModelConfig& config, const FitOptions& options);

// `weight_bytes`: the tensor data of the file (mapped, read in place).
FitReport check_fit(const ModelConfig& config, std::uint64_t weight_bytes,
                    std::uint64_t device_memory, const FitOptions& options,
                    std::optional<std::uint32_t> context = std::nullopt);

} // namespace hearth::model
