#include "vulkan_instance.h"

#include "device_query.h"
#include "vk_error.h"

namespace hearth::vk {

Result<std::shared_ptr<VulkanInstance>> VulkanInstance::create() {
    std::uint32_t loader_version = 0;
    if (vkEnumerateInstanceVersion(&loader_version) != VK_SUCCESS ||
        loader_version < required_api_version) {
        return fail("The Vulkan loader is older than Vulkan 1.2",
                    "vkEnumerateInstanceVersion reported " + api_version_string(loader_version));
    }
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "Hearth";
    app.pEngineName = "hearth-engine";
    app.apiVersion = required_api_version;
    VkInstanceCreateInfo create_info{};
    create_info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    create_info.pApplicationInfo = &app;
    VkInstance instance = VK_NULL_HANDLE;
    if (VkResult r = vkCreateInstance(&create_info, nullptr, &instance); r != VK_SUCCESS) {
        return fail_vk("creating the instance", r);
    }
    return std::shared_ptr<VulkanInstance>(new VulkanInstance(instance));
}

VulkanInstance::VulkanInstance(VkInstance instance) : instance_(instance) {
    std::uint32_t count = 0;
    vkEnumeratePhysicalDevices(instance_, &count, nullptr);
    std::vector<VkPhysicalDevice> all(count);
    vkEnumeratePhysicalDevices(instance_, &count, all.data());
    all.resize(count);
    for (VkPhysicalDevice device : all) {
        VkPhysicalDeviceProperties properties;
        vkGetPhysicalDeviceProperties(device, &properties);
        if (properties.apiVersion >= required_api_version && find_compute_queue_family(device)) {
            physical_devices_.push_back(device);
        }
    }
}

VulkanInstance::~VulkanInstance() { vkDestroyInstance(instance_, nullptr); }

std::vector<VulkanDeviceInfo> VulkanInstance::describe_devices() const {
    std::vector<VulkanDeviceInfo> infos;
    for (std::uint32_t i = 0; i < physical_devices_.size(); ++i) {
        infos.push_back(describe_device(physical_devices_[i], i));
    }
    return infos;
}

std::optional<std::uint32_t> find_compute_queue_family(VkPhysicalDevice device) {
    std::uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
    for (std::uint32_t i = 0; i < count; ++i) {
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
    }
    return std::nullopt;
}

} // namespace hearth::vk

namespace hearth {

Result<std::vector<VulkanDeviceInfo>> enumerate_vulkan_devices() {
    auto instance = vk::VulkanInstance::create();
    if (!instance) return std::unexpected(instance.error());
    return (*instance)->describe_devices();
}

} // namespace hearth
