// What the GPUs of this machine are and what they can do, as the engine sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hearth/error.h"

namespace hearth {

enum class DeviceKind { discrete_gpu, integrated_gpu, virtual_gpu, cpu, other };

std::string_view to_string(DeviceKind kind);

// The device features the Vulkan backend's kernels may use.
struct VulkanFeatures {
    bool shader_float16 = false;
    bool shader_int8 = false;
    bool storage_buffer_8bit = false;
    bool storage_buffer_16bit = false;
    bool subgroup_arithmetic = false;
    bool subgroup_shuffle = false;
    bool subgroup_ballot = false;
    bool integer_dot_product = false;
    // Packed 4 x 8-bit signed dot products done by the hardware, not emulated by the driver.
    bool fast_integer_dot_product = false;
    bool memory_budget = false;      // VK_EXT_memory_budget
    bool cooperative_matrix = false; // VK_KHR_cooperative_matrix
};

struct VulkanDeviceInfo {
    std::uint32_t index = 0; // position in vkEnumeratePhysicalDevices
    std::string name;
    std::string vendor; // "NVIDIA", "AMD", "Intel", "Mesa" ... or the hex vendor id
    std::uint32_t vendor_id = 0;
    std::uint32_t device_id = 0;
    DeviceKind kind = DeviceKind::other;
    std::string api_version; // "1.3.230"
    std::uint64_t device_local_bytes = 0;
    // From VK_EXT_memory_budget when the driver has it; what the process may still allocate.
    std::optional<std::uint64_t> device_local_budget_bytes;
    std::uint32_t subgroup_size = 0;
    std::uint32_t max_workgroup_invocations = 0;
    std::uint32_t max_workgroup_size_x = 0; // the widest a workgroup's x may be
    std::uint32_t max_shared_memory_bytes = 0;
    std::uint64_t max_storage_buffer_range = 0;
    std::uint32_t max_storage_buffers_per_stage = 0; // that one dispatch may bind
    VulkanFeatures features;
};

struct CudaDeviceInfo {
    int ordinal = 0;
    std::string name;
    int compute_major = 0;
    int compute_minor = 0;
    std::uint64_t total_memory_bytes = 0;
};

struct CudaReport {
    int driver_version = 0; // e.g. 13000 for CUDA 13.0
    std::vector<CudaDeviceInfo> devices;
};

// Loads the NVIDIA driver (if any) and lists its GPUs. The error says why CUDA is unusable here
// ("No NVIDIA driver found", "... could not start") for the UI and `hearth-cli devices`.
Result<CudaReport> probe_cuda();

// Lists the Vulkan devices that can run compute work. An empty list is not an error; a missing
// or broken Vulkan loader is.
Result<std::vector<VulkanDeviceInfo>> enumerate_vulkan_devices();

} // namespace hearth
