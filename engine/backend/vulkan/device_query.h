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

} // namespace hearth::vk
