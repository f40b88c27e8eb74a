// A sequence (KV cache, activations and the recorded decode step) on a Vulkan device.
#pragma once

#include <cstdint>
#include <memory>

#include "hearth/error.h"
#include "hearth/model.h"
#include "vulkan_model.h"

namespace hearth::vk {

// `model` must outlive the sequence.
Result<std::unique_ptr<Sequence>> create_vulkan_sequence(VulkanModel& model,
                                                         std::uint32_t max_positions);

} // namespace hearth::vk
