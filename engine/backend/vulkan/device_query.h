// Reading a physical device's name, memory, limits and features into VulkanDeviceInfo.
#pragma once

#include <string>
#include <vulkan/vulkan.h>

#include "hearth/gpu_devices.h"

namespace hearth::vk {

VulkanDeviceInfo describe_device(VkPhysicalDevice device, std::uint32_t index);
std::string api_version_string(std::uint32_t version);
std::string vendor_name(std::uint32_t vendor_id);
bool has_device_extension(VkPhysicalDevice device, const char* name);

// Integer dot products come through the extension even where Vulkan 1.3 has them in its core:
// the instance asks for Vulkan 1.2, so 1.3's features are not the engine's to enable.
inline constexpr const char* integer_dot_product_extension = "VK_KHR_shader_integer_dot_product";
// Whether the device's shaders can take integer dot products (its extension and feature).
bool has_integer_dot_products(VkPhysicalDevice device);

} // namespace hearth::vk
