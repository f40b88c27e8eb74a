// What a model loaded on a Vulkan device consists of; shared by the backend and its sequences.
#pragma once

#include <memory>
#include <string>

#include "device_weights.h"
#include "forward_pipelines.h"
#include "model/model_files.h"
#include "vulkan_device.h"

namespace hearth::vk {

struct VulkanModel {
    std::shared_ptr<const model::ModelFiles> files;
    std::string device_name;
    VulkanDevice device;
    DeviceWeights weights;
    ForwardPipelines pipelines;
};

} // namespace hearth::vk
