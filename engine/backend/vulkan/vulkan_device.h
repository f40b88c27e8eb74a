// A logical Vulkan device with one compute queue, and the buffers and pipelines made on it.
// Buffers and pipelines keep the device alive, so destruction order never matters.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vulkan/vulkan.h>

#include "hearth/error.h"
#include "vulkan_instance.h"

namespace hearth::vk {

// Owns the VkDevice; shared by everything created on it.
struct DeviceCore {
    std::shared_ptr<VulkanInstance> instance;
    VkPhysicalDevice physical_device = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    ~DeviceCore();
};

// A storage buffer in host-visible, coherent memory, mapped for its whole life.
class HostBuffer {
  public:
    HostBuffer(HostBuffer&& other) noexcept;
    HostBuffer& operator=(HostBuffer&&) = delete;
    ~HostBuffer();

    VkBuffer handle() const { return buffer_; }
    std::size_t size_bytes() const { return size_; }
    std::span<std::byte> bytes() { return {static_cast<std::byte*>(mapped_), size_}; }

  private:
    friend class VulkanDevice;
    HostBuffer(std::shared_ptr<DeviceCore> core, VkBuffer buffer, VkDeviceMemory memory,
               void* mapped, std::size_t size);
    std::shared_ptr<DeviceCore> core_;
    VkBuffer buffer_;
    VkDeviceMemory memory_;
    void* mapped_;
    std::size_t size_;
};

struct PipelineLayoutDesc {
    std::uint32_t storage_buffer_count = 0; // bindings 0..count-1 of set 0
    std::uint32_t push_constant_bytes = 0;
};

// A compute pipeline made from one SPIR-V module with entry point "main".
class ComputePipeline {
  public:
    ComputePipeline(ComputePipeline&& other) noexcept;
    ComputePipeline& operator=(ComputePipeline&&) = delete;
    ~ComputePipeline();

    const PipelineLayoutDesc& layout_desc() const { return desc_; }

  private:
    friend class VulkanDevice;
    ComputePipeline(std::shared_ptr<DeviceCore> core, PipelineLayoutDesc desc);
    std::shared_ptr<DeviceCore> core_;
    PipelineLayoutDesc desc_;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkPipeline pipeline_ = VK_NULL_HANDLE;
};

class VulkanDevice {
  public:
    // Opens the device at `index` of instance->physical_devices().
    static Result<VulkanDevice> open(std::shared_ptr<VulkanInstance> instance, std::uint32_t index);
    VulkanDevice(VulkanDevice&& other) noexcept;
    VulkanDevice& operator=(VulkanDevice&&) = delete;
    ~VulkanDevice();

    Result<HostBuffer> create_host_buffer(std::size_t size_bytes);
    Result<ComputePipeline> create_pipeline(std::span<const std::uint32_t> spirv,
                                            const PipelineLayoutDesc& desc);
    // Records one dispatch, submits it and waits for it to finish.
    Result<void> dispatch_and_wait(const ComputePipeline& pipeline,
                                   std::span<HostBuffer* const> buffers,
                                   std::span<const std::byte> push_constants,
                                   std::uint32_t group_count_x);

  private:
    VulkanDevice(std::shared_ptr<DeviceCore> core, VkQueue queue, VkCommandPool pool,
                 VkDescriptorPool descriptors);
    std::shared_ptr<DeviceCore> core_;
    VkQueue queue_;
    VkCommandPool command_pool_;
    VkDescriptorPool descriptor_pool_;
};

} // namespace hearth::vk
