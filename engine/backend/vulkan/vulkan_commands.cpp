#include "vulkan_commands.h"

#include <utility>
#include <vector>

#include "vk_error.h"

namespace hearth::vk {

DescriptorArena::DescriptorArena(std::shared_ptr<DeviceCore> core, VkDescriptorPool pool)
    : core_(std::move(core)), pool_(pool) {}

DescriptorArena::DescriptorArena(DescriptorArena&& other) noexcept
    : core_(std::move(other.core_)), pool_(std::exchange(other.pool_, VK_NULL_HANDLE)) {}

DescriptorArena::~DescriptorArena() {
    if (core_) vkDestroyDescriptorPool(core_->device, pool_, nullptr);
}

Result<VkDescriptorSet> DescriptorArena::bind(const ComputePipeline& pipeline,
                                              std::span<const Buffer* const> buffers) {
    if (buffers.size() != pipeline.layout_desc().storage_buffer_count) {
        return fail("Vulkan: the buffers do not match the pipeline's bindings");
    }
    VkDescriptorSetLayout layout = pipeline.set_layout();
    VkDescriptorSetAllocateInfo allocate{};
    allocate.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    allocate.descriptorPool = pool_;
    allocate.descriptorSetCount = 1;
    allocate.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateDescriptorSets(core_->device, &allocate, &set); r != VK_SUCCESS) {
        return fail_vk("allocating a descriptor set", r);
    }
    std::vector<VkDescriptorBufferInfo> infos(buffers.size());
    std::vector<VkWriteDescriptorSet> writes(buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) {
        infos[i] = {buffers[i]->handle(), 0, VK_WHOLE_SIZE};
        writes[i] = {};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = static_cast<std::uint32_t>(i);
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(core_->device, static_cast<std::uint32_t>(writes.size()), writes.data(),
                           0, nullptr);
    return set;
}

Fence::Fence(std::shared_ptr<DeviceCore> core, VkFence fence)
    : core_(std::move(core)), fence_(fence) {}

Fence::Fence(Fence&& other) noexcept
    : core_(std::move(other.core_)), fence_(std::exchange(other.fence_, VK_NULL_HANDLE)) {}

Fence::~Fence() {
    if (core_) vkDestroyFence(core_->device, fence_, nullptr);
}

TimestampPool::TimestampPool(std::shared_ptr<DeviceCore> core, VkQueryPool pool,
                             std::uint32_t capacity, double seconds_per_tick,
                             std::uint64_t valid_mask)
    : core_(std::move(core)), pool_(pool), capacity_(capacity), seconds_per_tick_(seconds_per_tick),
      valid_mask_(valid_mask) {}

TimestampPool::TimestampPool(TimestampPool&& other) noexcept
    : core_(std::move(other.core_)), pool_(std::exchange(other.pool_, VK_NULL_HANDLE)),
      capacity_(other.capacity_), seconds_per_tick_(other.seconds_per_tick_),
      valid_mask_(other.valid_mask_) {}

TimestampPool::~TimestampPool() {
    if (core_) vkDestroyQueryPool(core_->device, pool_, nullptr);
}

Result<std::vector<double>> TimestampPool::read_seconds(std::uint32_t count) const {
    std::vector<std::uint64_t> ticks(count);
    if (VkResult r = vkGetQueryPoolResults(
            core_->device, pool_, 0, count, ticks.size() * sizeof(std::uint64_t), ticks.data(),
            sizeof(std::uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
        r != VK_SUCCESS) {
        return fail_vk("reading GPU timestamps", r);
    }
    std::vector<double> seconds(count);
    for (std::uint32_t i = 0; i < count; ++i)
        seconds[i] = static_cast<double>((ticks[i] - ticks[0]) & valid_mask_) * seconds_per_tick_;
    return seconds;
}

CommandList::CommandList(std::shared_ptr<DeviceCore> core, VkCommandPool pool,
                         VkCommandBuffer commands)
    : core_(std::move(core)), pool_(pool), commands_(commands) {}

CommandList::CommandList(CommandList&& other) noexcept
    : core_(std::move(other.core_)), pool_(std::exchange(other.pool_, VK_NULL_HANDLE)),
      commands_(std::exchange(other.commands_, VK_NULL_HANDLE)) {}

CommandList::~CommandList() {
    if (core_) vkDestroyCommandPool(core_->device, pool_, nullptr); // frees the buffer too
}

Result<void> CommandList::begin() {
    vkResetCommandBuffer(commands_, 0);
    VkCommandBufferBeginInfo info{};
    info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    if (VkResult r = vkBeginCommandBuffer(commands_, &info); r != VK_SUCCESS) {
        return fail_vk("starting a command buffer", r);
    }
    return {};
}

void CommandList::dispatch(const ComputePipeline& pipeline, VkDescriptorSet set,
                           std::span<const std::byte> push_constants, std::uint32_t groups_x,
                           std::uint32_t groups_y, std::uint32_t groups_z) {
    vkCmdBindPipeline(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
    vkCmdBindDescriptorSets(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1,
                            &set, 0, nullptr);
    if (!push_constants.empty()) {
        vkCmdPushConstants(commands_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                           static_cast<std::uint32_t>(push_constants.size()),
                           push_constants.data());
    }
    vkCmdDispatch(commands_, groups_x, groups_y, groups_z);
}

void CommandList::barrier() {
    VkMemoryBarrier barrier{};
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                            VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT |
                            VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(commands_,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
                             VK_PIPELINE_STAGE_HOST_BIT,
                         0, 1, &barrier, 0, nullptr, 0, nullptr);
}

void CommandList::compute_barrier() {
    VkMemoryBarrier barrier{};
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    vkCmdPipelineBarrier(commands_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                         nullptr);
}

void CommandList::reset_timestamps(const TimestampPool& pool, std::uint32_t count) {
    vkCmdResetQueryPool(commands_, pool.handle(), 0, count);
}

void CommandList::write_timestamp(const TimestampPool& pool, std::uint32_t index) {
    vkCmdWriteTimestamp(commands_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool.handle(), index);
}

void CommandList::copy(const Buffer& source, std::size_t source_offset, const Buffer& target,
                       std::size_t target_offset, std::size_t bytes) {
    const VkBufferCopy region{source_offset, target_offset, bytes};
    vkCmdCopyBuffer(commands_, source.handle(), target.handle(), 1, &region);
}

Result<void> CommandList::end() {
    if (VkResult r = vkEndCommandBuffer(commands_); r != VK_SUCCESS) {
        return fail_vk("recording a command buffer", r);
    }
    return {};
}

} // namespace hearth::vk
