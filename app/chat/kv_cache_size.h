// How much memory the KV cache of a context takes, for the settings' context-length choice.
#pragma once

#include <cstdint>
#include <optional>

#include "hearth/model_inspection.h"

namespace hearth::app {

// The part of a model's shape its KV cache depends on.
struct KvCacheShape {
    std::uint32_t layers = 0;
    std::uint32_t kv_heads = 0;
    std::uint32_t head_dim = 0;
    std::uint32_t sliding_window = 0; // even layers keep only this many positions
    // What one cached value takes: 4 (f32, the CPU backend) or 2 (f16, the GPU backends' default).
    std::uint32_t bytes_per_value = 4;
};

// From `hearth-cli inspect`'s hyperparameters, in f32; none when one of them is missing.
std::optional<KvCacheShape> kv_cache_shape(const ModelInspection& inspection);

// Bytes of keys and values for `positions`: a full layer holds every position, a sliding layer
// at most its window.
std::uint64_t kv_cache_bytes(const KvCacheShape& shape, std::uint64_t positions);

} // namespace hearth::app
