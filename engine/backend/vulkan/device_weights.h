// The model's weights in GPU memory, repacked for the shaders (backend/packed_weights.h): matrices
// with their rows in the order the kernels index them, norms, sinks and biases as f32.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "backend/packed_weights.h"
#include "hearth/error.h"
#include "model/model_files.h"
#include "vulkan_device.h"

namespace hearth::vk {

using DeviceMatrix = gpu::MatrixOn<Buffer>;
using DeviceProjection = gpu::ProjectionOn<Buffer>;
using DeviceLayer = gpu::LayerOn<Buffer>;
using DeviceWeights = gpu::WeightsOn<Buffer>;

// Repacks and uploads every weight, one layer at a time (host memory stays bounded by a layer),
// telling `progress` (when set) the fraction done after each; it returns false to cancel.
Result<DeviceWeights> upload_weights(VulkanDevice& device, const model::ModelFiles& files,
                                     const std::function<bool(double)>& progress);

} // namespace hearth::vk
