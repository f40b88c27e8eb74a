// The Vulkan objects the backend is built from: buffers and compute pipelines. Each keeps the
// device alive, so destruction order never matters; every one is made by VulkanDevice.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>
#include <vulkan/vulkan.h>

#include "vulkan_instance.h"

namespace hearth::vk {

// Owns the VkDevice; shared by everything created on it.
struct DeviceCore {
    std::shared_ptr<VulkanInstance> instance;
    VkPhysicalDevice physical_device = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    // Bytes of device-local memory its live buffers hold (what Model::device_memory_bytes says).
    std::atomic<std::uint64_t> device_local_bytes{0};
    ~DeviceCore();
};

enum class MemoryKind {
    device_local,  // fastest for shaders; filled and read through VulkanDevice::upload/download
    host_visible,  // mapped for its whole life, for small per-step inputs the host writes
    host_readback, // mapped, and cached on the host where the device offers it: for results
                   // the host reads (uncached, write-combined memory reads very slowly)
};

// A storage buffer (also a transfer source and destination).
class Buffer {
  public:
    Buffer() = default; // no buffer yet
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    ~Buffer();

    VkBuffer handle() const { return buffer_; }
    std::size_t size_bytes() const { return size_; }
    MemoryKind kind() const { return kind_; }
    // The mapped bytes of a host_visible buffer; empty for device_local ones.
    std::span<std::byte> bytes() { return {static_cast<std::byte*>(mapped_), mapped_ ? size_ : 0}; }

  private:
    friend class VulkanDevice;
    // A device_local buffer adds its memory's `allocated` bytes to the core's count until released.
    Buffer(std::shared_ptr<DeviceCore> core, VkBuffer buffer, VkDeviceMemory memory, void* mapped,
           std::size_t size, MemoryKind kind, std::uint64_t allocated);
    void release();
    std::shared_ptr<DeviceCore> core_;
    VkBuffer buffer_ = VK_NULL_HANDLE;
    VkDeviceMemory memory_ = VK_NULL_HANDLE;
    void* mapped_ = nullptr;
    std::size_t size_ = 0;
    MemoryKind kind_ = MemoryKind::device_local;
    std::uint64_t counted_bytes_ = 0; // what it added to core_->device_local_bytes
};

struct PipelineLayoutDesc {
    std::uint32_t storage_buffer_count = 0; // bindings 0..count-1 of set 0
    std::uint32_t push_constant_bytes = 0;
};

// A compute pipeline made from one SPIR-V module with entry point "main"; specialization
// constant i (constant_id = i) takes specialization[i].
class ComputePipeline {
  public:
    ComputePipeline() = default; // no pipeline yet
    ComputePipeline(ComputePipeline&& other) noexcept;
    ComputePipeline& operator=(ComputePipeline&& other) noexcept;
    ~ComputePipeline();

    const PipelineLayoutDesc& layout_desc() const { return desc_; }
    VkPipeline handle() const { return pipeline_; }
    VkPipelineLayout layout() const { return layout_; }
    VkDescriptorSetLayout set_layout() const { return set_layout_; }

  private:
    friend class VulkanDevice;
    ComputePipeline(std::shared_ptr<DeviceCore> core, PipelineLayoutDesc desc);
    void release();
    std::shared_ptr<DeviceCore> core_;
    PipelineLayoutDesc desc_;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkPipeline pipeline_ = VK_NULL_HANDLE;
};

} // namespace hearth::vk
