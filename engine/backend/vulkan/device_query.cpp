#include "device_query.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace hearth {

std::string_view to_string(DeviceKind kind) {
    switch (kind) {
    case DeviceKind::discrete_gpu: return "discrete GPU";
    case DeviceKind::integrated_gpu: return "integrated GPU";
    case DeviceKind::virtual_gpu: return "virtual GPU";
    case DeviceKind::cpu: return "CPU";
    case DeviceKind::other: return "other";
    }
    return "other";
}

} // namespace hearth

namespace hearth::vk {
namespace {

DeviceKind device_kind(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return DeviceKind::discrete_gpu;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return DeviceKind::integrated_gpu;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return DeviceKind::virtual_gpu;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return DeviceKind::cpu;
    default: return DeviceKind::other;
    }
}

// Sums the device-local heaps, and their budgets when VK_EXT_memory_budget is present.
void read_memory(VkPhysicalDevice device, bool has_budget, VulkanDeviceInfo& info) {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 memory{};
    memory.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    if (has_budget) memory.pNext = &budget;
    vkGetPhysicalDeviceMemoryProperties2(device, &memory);

    std::uint64_t total = 0;
    std::uint64_t available = 0;
    const auto& heaps = memory.memoryProperties;
    for (std::uint32_t i = 0; i < heaps.memoryHeapCount; ++i) {
        if (heaps.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
            total += heaps.memoryHeaps[i].size;
            if (budget.heapBudget[i] > budget.heapUsage[i]) {
                available += budget.heapBudget[i] - budget.heapUsage[i];
            }
        }
    }
    info.device_local_bytes = total;
    if (has_budget) info.device_local_budget_bytes = available;
}

void read_features(VkPhysicalDevice device, VulkanDeviceInfo& info) {
    VkPhysicalDeviceVulkan12Features v12{};
    v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    VkPhysicalDeviceVulkan11Features v11{};
    v11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
    v11.pNext = &v12;
    VkPhysicalDeviceFeatures2 features{};
    features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features.pNext = &v11;
    vkGetPhysicalDeviceFeatures2(device, &features);
    // The dot product properties only where the driver has the feature (see the header).
    const bool dot_products = has_integer_dot_products(device);

    VkPhysicalDeviceSubgroupProperties subgroup{};
    subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceShaderIntegerDotProductProperties dot_properties{};
    dot_properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES;
    if (dot_products) subgroup.pNext = &dot_properties;
    VkPhysicalDeviceProperties2 properties{};
    properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    properties.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(device, &properties);

    const bool compute_subgroups = subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT;
    auto& f = info.features;
    f.shader_float16 = v12.shaderFloat16;
    f.shader_int8 = v12.shaderInt8;
    f.storage_buffer_8bit = v12.storageBuffer8BitAccess;
    f.storage_buffer_16bit = v11.storageBuffer16BitAccess;
    f.subgroup_arithmetic =
        compute_subgroups && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    f.subgroup_shuffle =
        compute_subgroups && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT);
    f.subgroup_ballot =
        compute_subgroups && (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BALLOT_BIT);
    f.integer_dot_product = dot_products;
    f.fast_integer_dot_product =
        f.integer_dot_product && dot_properties.integerDotProduct4x8BitPackedSignedAccelerated;
    f.memory_budget = has_device_extension(device, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    f.cooperative_matrix = has_device_extension(device, "VK_KHR_cooperative_matrix");
    info.subgroup_size = subgroup.subgroupSize;
}

} // namespace

std::string api_version_string(std::uint32_t version) {
    return std::to_string(VK_API_VERSION_MAJOR(version)) + '.' +
           std::to_string(VK_API_VERSION_MINOR(version)) + '.' +
           std::to_string(VK_API_VERSION_PATCH(version));
}

std::string vendor_name(std::uint32_t vendor_id) {
    switch (vendor_id) {
    case 0x10DE: return "NVIDIA";
    case 0x1002: return "AMD";
    case 0x8086: return "Intel";
    case 0x13B5: return "ARM";
    case 0x5143: return "Qualcomm";
    case 0x106B: return "Apple";
    case 0x10005: return "Mesa";
    default: {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%04X", vendor_id);
        return hex;
    }
    }
}

bool has_device_extension(VkPhysicalDevice device, const char* name) {
    std::uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> extensions(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, extensions.data());
    for (const auto& extension : extensions) {
        if (std::strcmp(extension.extensionName, name) == 0) return true;
    }
    return false;
}

bool has_integer_dot_products(VkPhysicalDevice device) {
    if (!has_device_extension(device, integer_dot_product_extension)) return false;
    VkPhysicalDeviceShaderIntegerDotProductFeatures dot_features{};
    dot_features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    VkPhysicalDeviceFeatures2 features{};
    features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features.pNext = &dot_features;
    vkGetPhysicalDeviceFeatures2(device, &features);
    return dot_features.shaderIntegerDotProduct;
}

VulkanDeviceInfo describe_device(VkPhysicalDevice device, std::uint32_t index) {
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(device, &properties);
    VulkanDeviceInfo info;
    info.index = index;
    info.name = properties.deviceName;
    info.vendor_id = properties.vendorID;
    info.vendor = vendor_name(properties.vendorID);
    info.device_id = properties.deviceID;
    info.kind = device_kind(properties.deviceType);
    info.api_version = api_version_string(properties.apiVersion);
    info.max_workgroup_invocations = properties.limits.maxComputeWorkGroupInvocations;
    info.max_workgroup_size_x = properties.limits.maxComputeWorkGroupSize[0];
    info.max_shared_memory_bytes = properties.limits.maxComputeSharedMemorySize;
    info.max_storage_buffer_range = properties.limits.maxStorageBufferRange;
    info.max_storage_buffers_per_stage = properties.limits.maxPerStageDescriptorStorageBuffers;
    read_features(device, info);
    read_memory(device, info.features.memory_budget, info);
    return info;
}

} // namespace hearth::vk
