// Recording GPU work: descriptor sets that bind buffers to a pipeline, and command lists of
// dispatches that can be submitted again and again (a decode step is recorded once and replayed).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>
#include <vulkan/vulkan.h>

#include "hearth/error.h"
#include "vulkan_resources.h"

namespace hearth::vk {

// A pool of descriptor sets, all freed together with the arena.
class DescriptorArena {
  public:
    DescriptorArena(DescriptorArena&& other) noexcept;
    DescriptorArena& operator=(DescriptorArena&&) = delete;
    ~DescriptorArena();

    // A set binding `buffers` (whole) to bindings 0..n-1 of `pipeline`'s layout.
    Result<VkDescriptorSet> bind(const ComputePipeline& pipeline,
                                 std::span<const Buffer* const> buffers);

  private:
    friend class VulkanDevice;
    DescriptorArena(std::shared_ptr<DeviceCore> core, VkDescriptorPool pool);
    std::shared_ptr<DeviceCore> core_;
    VkDescriptorPool pool_;
};

// Timestamps that command lists write on the device, read back once the lists have run.
class TimestampPool {
  public:
    TimestampPool(TimestampPool&& other) noexcept;
    TimestampPool& operator=(TimestampPool&&) = delete;
    ~TimestampPool();

    VkQueryPool handle() const { return pool_; }
    std::uint32_t capacity() const { return capacity_; }
    // Timestamps 0..count-1 in seconds (from an arbitrary origin).
    Result<std::vector<double>> read_seconds(std::uint32_t count) const;

  private:
    friend class VulkanDevice;
    TimestampPool(std::shared_ptr<DeviceCore> core, VkQueryPool pool, std::uint32_t capacity,
                  double seconds_per_tick, std::uint64_t valid_mask);
    std::shared_ptr<DeviceCore> core_;
    VkQueryPool pool_;
    std::uint32_t capacity_;
    double seconds_per_tick_;
    std::uint64_t valid_mask_; // timestamps wrap at the queue's timestampValidBits
};

// What the device signals once submitted work has run (VulkanDevice::submit); reused.
class Fence {
  public:
    Fence(Fence&& other) noexcept;
    Fence& operator=(Fence&&) = delete;
    ~Fence();

    VkFence handle() const { return fence_; }

  private:
    friend class VulkanDevice;
    Fence(std::shared_ptr<DeviceCore> core, VkFence fence);
    std::shared_ptr<DeviceCore> core_;
    VkFence fence_;
};

// One primary command buffer with its own pool, so lists on different threads never share one.
class CommandList {
  public:
    CommandList(CommandList&& other) noexcept;
    CommandList& operator=(CommandList&&) = delete;
    ~CommandList();

    // Starts recording anew (forgetting what was recorded before).
    Result<void> begin();
    void dispatch(const ComputePipeline& pipeline, VkDescriptorSet set,
                  std::span<const std::byte> push_constants, std::uint32_t groups_x,
                  std::uint32_t groups_y = 1, std::uint32_t groups_z = 1);
    // Makes every shader and transfer write so far visible to what follows (host reads and
    // transfers writing over them included).
    void barrier();
    // Makes the shader writes so far visible to the shaders that follow, and nothing else: the
    // step between two dispatches, where waiting on transfers and the host would cost every one.
    void compute_barrier();
    // Timestamps: reset the pool's first `count`, then write one once all earlier work is done.
    void reset_timestamps(const TimestampPool& pool, std::uint32_t count);
    void write_timestamp(const TimestampPool& pool, std::uint32_t index);
    void copy(const Buffer& source, std::size_t source_offset, const Buffer& target,
              std::size_t target_offset, std::size_t bytes);
    Result<void> end();
    VkCommandBuffer handle() const { return commands_; }

  private:
    friend class VulkanDevice;
    CommandList(std::shared_ptr<DeviceCore> core, VkCommandPool pool, VkCommandBuffer commands);
    std::shared_ptr<DeviceCore> core_;
    VkCommandPool pool_;
    VkCommandBuffer commands_;
};

} // namespace hearth::vk
