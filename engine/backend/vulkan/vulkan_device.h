// A logical Vulkan device with one compute queue: the only place that creates buffers,
// pipelines, descriptor arenas and command lists, and submits work.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vulkan/vulkan.h>

#include "hearth/error.h"
#include "vulkan_commands.h"
#include "vulkan_instance.h"
#include "vulkan_resources.h"

namespace hearth::vk {

class VulkanDevice {
  public:
    // Opens the device at `index` of instance->physical_devices().
    static Result<VulkanDevice> open(std::shared_ptr<VulkanInstance> instance, std::uint32_t index);
    VulkanDevice(VulkanDevice&& other) noexcept;
    VulkanDevice& operator=(VulkanDevice&&) = delete;
    ~VulkanDevice();

    VkPhysicalDevice physical_device() const { return core_->physical_device; }
    const VkPhysicalDeviceLimits& limits() const { return properties_.limits; }
    // Bytes of device-local memory the buffers made here and still alive hold. Thread-safe.
    std::uint64_t device_local_bytes() const { return core_->device_local_bytes; }

    Result<Buffer> create_buffer(std::size_t size_bytes, MemoryKind kind);
    Result<ComputePipeline> create_pipeline(std::span<const std::uint32_t> spirv,
                                            const PipelineLayoutDesc& desc,
                                            std::span<const std::uint32_t> specialization = {});
    // Room for `sets` descriptor sets of up to `buffers_per_set` storage buffers each.
    Result<DescriptorArena> create_descriptor_arena(std::uint32_t sets,
                                                    std::uint32_t buffers_per_set);
    Result<CommandList> create_command_list();
    // Fails when the device's compute queue cannot write timestamps.
    Result<TimestampPool> create_timestamp_pool(std::uint32_t capacity);

    Result<Fence> create_fence();
    // Starts a recorded list; `done` is signalled once it has run. Lists submitted one after
    // another run in that order, and may overlap only where they have no barrier between them
    // (CommandList::barrier). A list must not be submitted again, nor `done` reused, before it
    // has run. Thread-safe (the queue is shared).
    Result<void> submit(const CommandList& commands, const Fence& done) {
        return submit({&commands}, done);
    }
    // Starts `lists` in order, as one submission; `done` is signalled once the last has run.
    Result<void> submit(std::initializer_list<const CommandList*> lists, const Fence& done);
    // Waits until `done` is signalled.
    Result<void> wait(const Fence& done);
    // Runs a recorded list and waits for it. Thread-safe.
    Result<void> submit_and_wait(const CommandList& commands);

    // Copies host bytes into a buffer at `offset` (through a bounded staging buffer when the
    // buffer is not mapped), and back out again.
    Result<void> upload(Buffer& target, std::size_t offset, std::span<const std::byte> bytes);
    Result<void> download(const Buffer& source, std::size_t offset, std::span<std::byte> bytes);

    // Records one dispatch, submits it and waits for it to finish (tests and one-off work).
    Result<void> dispatch_and_wait(const ComputePipeline& pipeline,
                                   std::span<const Buffer* const> buffers,
                                   std::span<const std::byte> push_constants,
                                   std::uint32_t group_count_x);

  private:
    VulkanDevice(std::shared_ptr<DeviceCore> core, std::uint32_t queue_family, VkQueue queue);
    Result<Buffer*> staging();

    std::shared_ptr<DeviceCore> core_;
    std::uint32_t queue_family_;
    VkQueue queue_;
    VkPhysicalDeviceProperties properties_{}; // read once at open: limits, name
    std::unique_ptr<std::mutex> queue_mutex_ = std::make_unique<std::mutex>();
    // Created on first use by upload/download; transfers are serialised by transfer_mutex_.
    std::unique_ptr<std::mutex> transfer_mutex_ = std::make_unique<std::mutex>();
    std::optional<Buffer> staging_;
    std::optional<CommandList> transfer_commands_;
};

} // namespace hearth::vk
