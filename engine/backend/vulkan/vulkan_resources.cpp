#include "vulkan_resources.h"

#include <utility>

namespace hearth::vk {

DeviceCore::~DeviceCore() {
    if (device != VK_NULL_HANDLE) vkDestroyDevice(device, nullptr);
}

Buffer::Buffer(std::shared_ptr<DeviceCore> core, VkBuffer buffer, VkDeviceMemory memory,
               void* mapped, std::size_t size, MemoryKind kind, std::uint64_t allocated)
    : core_(std::move(core)), buffer_(buffer), memory_(memory), mapped_(mapped), size_(size),
      kind_(kind), counted_bytes_(kind == MemoryKind::device_local ? allocated : 0) {
    core_->device_local_bytes += counted_bytes_;
}

Buffer::Buffer(Buffer&& other) noexcept
    : core_(std::move(other.core_)), buffer_(std::exchange(other.buffer_, VK_NULL_HANDLE)),
      memory_(std::exchange(other.memory_, VK_NULL_HANDLE)),
      mapped_(std::exchange(other.mapped_, nullptr)), size_(std::exchange(other.size_, 0)),
      kind_(other.kind_), counted_bytes_(std::exchange(other.counted_bytes_, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        release();
        core_ = std::move(other.core_);
        buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
        memory_ = std::exchange(other.memory_, VK_NULL_HANDLE);
        mapped_ = std::exchange(other.mapped_, nullptr);
        size_ = std::exchange(other.size_, 0);
        kind_ = other.kind_;
        counted_bytes_ = std::exchange(other.counted_bytes_, 0);
    }
    return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
    if (!core_) return;
    vkDestroyBuffer(core_->device, buffer_, nullptr);
    vkFreeMemory(core_->device, memory_, nullptr); // also unmaps
    core_->device_local_bytes -= std::exchange(counted_bytes_, 0);
    core_.reset();
}

ComputePipeline::ComputePipeline(std::shared_ptr<DeviceCore> core, PipelineLayoutDesc desc)
    : core_(std::move(core)), desc_(desc) {}

ComputePipeline::ComputePipeline(ComputePipeline&& other) noexcept
    : core_(std::move(other.core_)), desc_(other.desc_),
      set_layout_(std::exchange(other.set_layout_, VK_NULL_HANDLE)),
      layout_(std::exchange(other.layout_, VK_NULL_HANDLE)),
      pipeline_(std::exchange(other.pipeline_, VK_NULL_HANDLE)) {}

ComputePipeline& ComputePipeline::operator=(ComputePipeline&& other) noexcept {
    if (this != &other) {
        release();
        core_ = std::move(other.core_);
        desc_ = other.desc_;
        set_layout_ = std::exchange(other.set_layout_, VK_NULL_HANDLE);
        layout_ = std::exchange(other.layout_, VK_NULL_HANDLE);
        pipeline_ = std::exchange(other.pipeline_, VK_NULL_HANDLE);
    }
    return *this;
}

ComputePipeline::~ComputePipeline() { release(); }

void ComputePipeline::release() {
    if (!core_) return;
    vkDestroyPipeline(core_->device, pipeline_, nullptr);
    vkDestroyPipelineLayout(core_->device, layout_, nullptr);
    vkDestroyDescriptorSetLayout(core_->device, set_layout_, nullptr);
    core_.reset();
}

} // namespace hearth::vk
