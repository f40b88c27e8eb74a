// The Vulkan backend: the whole forward pass in compute shaders on any vendor's GPU.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "backend/backend.h"
#include "hearth/gpu_devices.h"
#include "model/model_files.h"

namespace hearth::vk {

struct VulkanOptions {
    // Which device of enumerate_vulkan_devices(); none: the best GPU (discrete first, then the
    // most memory), a CPU driver such as lavapipe only when it is all there is.
    std::optional<std::uint32_t> device_index = std::nullopt;
    // How cached keys and values are kept (hearth/model.h).
    KvCachePrecision kv_cache = KvCachePrecision::f16;
    // Upload progress (fraction done); returning false cancels loading.
    std::function<bool(double)> progress = {};
    // Shapes chosen for tuning, where set (hearth/model.h).
    VulkanTuning tuning = {};
};

// `files` must outlive the backend. Fails with the reason (no device, not enough memory, ...).
Result<std::unique_ptr<Backend>>
create_vulkan_backend(std::shared_ptr<const model::ModelFiles> files,
                      const VulkanOptions& options = {});

// The Vulkan GPU worth preferring over the CPU backend (not a CPU driver) that automatic
// selection would take, or why there is none.
Result<VulkanDeviceInfo> preferred_vulkan_gpu();

} // namespace hearth::vk
