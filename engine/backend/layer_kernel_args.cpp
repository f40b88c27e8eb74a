#include "layer_kernel_args.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cache_window.h"

namespace hearth::gpu {
namespace {

// Blocks per head for attention over a cache of up to `positions` positions: enough that long
// contexts keep the GPU busy, few enough that each still covers decode_split_positions (a few of
// Vulkan's decode tiles). Fixed when a step is recorded, so early in a long context most splits
// are empty (Vulkan's decode attention then leaves them idle).
std::uint32_t attention_splits(std::uint32_t positions) {
    return std::clamp(positions / kernel_args::decode_split_positions, 1u, max_attention_splits);
}

} // namespace

std::uint32_t layer_cache_capacity(const model::ModelConfig& config, std::uint32_t layer,
                                   std::uint32_t max_positions) {
    return config.is_sliding_layer(layer)
               ? std::min(max_positions, config.sliding_window + sliding_rewind_slack)
               : max_positions;
}

std::uint32_t rewind_layers(const model::ModelConfig& config, std::uint32_t max_positions,
                            std::uint32_t length, RingReach& rings,
                            std::optional<std::uint32_t>& point, std::uint32_t keep,
                            const std::function<bool()>& restore) {
    return rewind_rings(config, layer_cache_capacities(config, max_positions), length, rings, point,
                        keep, restore);
}

Result<void> save_rewind_point(std::optional<std::uint32_t>& point, std::uint32_t length,
                               const std::function<Result<void>()>& copy_out) {
    point = length;
    if (auto saved = copy_out(); !saved) {
        point.reset();
        return saved;
    }
    return {};
}

std::vector<std::uint32_t> layer_cache_capacities(const model::ModelConfig& config,
                                                  std::uint32_t max_positions) {
    std::vector<std::uint32_t> capacities;
    for (std::uint32_t layer = 0; layer < config.layer_count; ++layer)
        capacities.push_back(layer_cache_capacity(config, layer, max_positions));
    return capacities;
}

LayerKernelArgs layer_kernel_args(const model::ModelConfig& c, std::uint32_t layer,
                                  std::uint32_t cache_capacity, std::uint32_t batch_tokens,
                                  std::uint32_t tokens_per_group) {
    const bool sliding = c.is_sliding_layer(layer);
    // A sliding layer attends to its window only.
    const std::uint32_t splits = attention_splits(sliding ? c.sliding_window : cache_capacity);
    const std::uint32_t prefill_splits = std::min(splits, max_prefill_attention_splits);
    const kernel_args::AttentionArgs attention{c.head_count,
                                               c.kv_head_count,
                                               cache_capacity,
                                               sliding ? c.sliding_window : 0u,
                                               1.0f / std::sqrt(static_cast<float>(c.head_dim)),
                                               splits};
    kernel_args::AttentionArgs prefill_attention = attention;
    prefill_attention.splits = prefill_splits;
    return {
        .norm = {c.hidden_size, c.rms_norm_eps},
        .rope = {c.head_count, c.kv_head_count, cache_capacity},
        .attention = attention,
        .combine = {splits},
        .prefill_attention = prefill_attention,
        .prefill_combine = {prefill_splits},
        .route = {c.expert_count, c.experts_per_token},
        .groups = {c.expert_count, c.experts_per_token, batch_tokens, tokens_per_group},
        .combine_experts = {c.hidden_size, c.experts_per_token},
    };
}

} // namespace hearth::gpu
