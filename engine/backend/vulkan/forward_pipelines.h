// The compute pipelines of the forward pass, made once per loaded model: one per shader, and
// one per (weight format, mode) of matvec that the model's weights need.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "device_weights.h"
#include "hearth/error.h"
#include "hearth/gpu_devices.h"
#include "model/model_config.h"
#include "vulkan_device.h"

namespace hearth::vk {

// Binding counts, the same for every pipeline of a kind (the shaders' layout(binding = ...)).
inline constexpr std::uint32_t matvec_bindings = 6; // codes, scales, bias, x, y, route

struct ForwardPipelines {
    ComputePipeline embed, rms_norm, rope_kv_write, attention, attention_combine, route_experts;
    std::map<std::pair<std::uint32_t, std::uint32_t>, ComputePipeline> matvec; // (format, mode)
    // Output rows per matvec workgroup (its ROWS_PER_GROUP specialization constant): a few on a
    // GPU, so even small matrices spread over every compute unit; many on a CPU driver, where
    // each workgroup has a fixed cost.
    std::uint32_t matvec_rows_per_group = 4;
    bool kv_cache_f16 = false; // the cache layout rope_kv_write and attention were made for

    const ComputePipeline& matvec_for(std::uint32_t format, std::uint32_t mode) const {
        return matvec.at({format, mode});
    }
};

// Uses the subgroup-arithmetic matvec where the device has it, the portable one elsewhere.
Result<ForwardPipelines> create_forward_pipelines(VulkanDevice& device,
                                                  const model::ModelConfig& config,
                                                  const DeviceWeights& weights,
                                                  const VulkanDeviceInfo& info, bool kv_cache_f16);

} // namespace hearth::vk
