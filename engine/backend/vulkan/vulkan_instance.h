// The process's Vulkan instance and the compute-capable devices it sees.
#pragma once

#include <memory>
#include <vector>
#include <vulkan/vulkan.h>

#include "hearth/error.h"
#include "hearth/gpu_devices.h"

namespace hearth::vk {

// The oldest Vulkan API the backend relies on (8/16-bit storage and subgroups are core in 1.2).
inline constexpr std::uint32_t required_api_version = VK_API_VERSION_1_2;

class VulkanInstance {
  public:
    static Result<std::shared_ptr<VulkanInstance>> create();
    ~VulkanInstance();
    VulkanInstance(const VulkanInstance&) = delete;
    VulkanInstance& operator=(const VulkanInstance&) = delete;

    VkInstance handle() const { return instance_; }
    // Devices with Vulkan >= 1.2 and a compute queue, in enumeration order.
    const std::vector<VkPhysicalDevice>& physical_devices() const { return physical_devices_; }
    std::vector<VulkanDeviceInfo> describe_devices() const;

  private:
    explicit VulkanInstance(VkInstance instance);
    VkInstance instance_;
    std::vector<VkPhysicalDevice> physical_devices_;
};

// Index of the first queue family with compute support, if any.
std::optional<std::uint32_t> find_compute_queue_family(VkPhysicalDevice device);

} // namespace hearth::vk
