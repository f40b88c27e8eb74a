// What the GPU backends (Vulkan, CUDA) run each layer with, decided the same way for both: how
// many positions a layer's cache holds (and how a rewind keeps it), how attention splits over it,
// and the kernels' argument structs (kernel_args.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "cache_window.h"
#include "hearth/error.h"
#include "kernel_args.h"
#include "model/model_config.h"

namespace hearth::gpu {

// The most blocks (workgroups) one head's attention is split over: decoding one token, and a
// batch (whose partial results take room per token).
inline constexpr std::uint32_t max_attention_splits = kernel_args::attention_decode_max_splits;
inline constexpr std::uint32_t max_prefill_attention_splits = 8;

// Positions layer `layer`'s cache holds: every one for a full layer, a ring of the window and
// some slack (cache_window.h) for a sliding one.
std::uint32_t layer_cache_capacity(const model::ModelConfig& config, std::uint32_t layer,
                                   std::uint32_t max_positions);

// Sequence::save_rewind_point for a GPU sequence of `length` positions: `point` becomes that,
// and `copy_out` copies the rings' windows out (the point is forgotten again if that fails).
Result<void> save_rewind_point(std::optional<std::uint32_t>& point, std::uint32_t length,
                               const std::function<Result<void>()>& copy_out);

// layer_cache_capacity of every layer, in order.
std::vector<std::uint32_t> layer_cache_capacities(const model::ModelConfig& config,
                                                  std::uint32_t max_positions);

// rewind_rings (cache_window.h) for a sequence whose caches are layer_cache_capacity's.
std::uint32_t rewind_layers(const model::ModelConfig& config, std::uint32_t max_positions,
                            std::uint32_t length, RingReach& rings,
                            std::optional<std::uint32_t>& point, std::uint32_t keep,
                            const std::function<bool()>& restore);

// Output rows of a batch product's tile (matmul.comp, matmul.cuh) in `mode`: in the gate/up
// mode its stored rows are half gate rows, half up rows.
constexpr std::uint32_t matmul_tile_outputs(std::uint32_t mode) {
    return mode == kernel_args::matvec_expert_gate_up_grouped ? kernel_args::matmul_tile_rows / 2
                                                              : kernel_args::matmul_tile_rows;
}

struct LayerKernelArgs {
    kernel_args::RmsNormArgs norm;
    kernel_args::RopeKvArgs rope;
    kernel_args::AttentionArgs attention;
    kernel_args::AttentionCombineArgs combine;
    kernel_args::AttentionArgs prefill_attention;      // batches only
    kernel_args::AttentionCombineArgs prefill_combine; // batches only
    kernel_args::RouteArgs route;
    kernel_args::GroupExpertsArgs groups;           // batches only
    kernel_args::ExpertCombineArgs combine_experts; // batches only
};

// For layer `layer` with a cache of `cache_capacity` positions, batches of `batch_tokens`, the
// grouped expert products taking `tokens_per_group` entries at a time.
LayerKernelArgs layer_kernel_args(const model::ModelConfig& config, std::uint32_t layer,
                                  std::uint32_t cache_capacity, std::uint32_t batch_tokens,
                                  std::uint32_t tokens_per_group);

} // namespace hearth::gpu
