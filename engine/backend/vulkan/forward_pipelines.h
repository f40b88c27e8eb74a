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
    // Output rows per matvec workgroup and its invocations (the ROWS_PER_GROUP and GROUP_SIZE
    // specialization constants). A GPU: 128 invocations share the columns of 2 rows, so even
    // small matrices spread over every compute unit and each invocation keeps several loads in
    // flight. A CPU driver: one subgroup per workgroup and 8 rows, as each workgroup and barrier
    // has a fixed cost there.
    std::uint32_t matvec_rows_per_group = 2;
    std::uint32_t matvec_group_size = 128;
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
