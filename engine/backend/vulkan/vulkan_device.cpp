#include "vulkan_device.h"

#include <utility>
#include <vector>

#include "vk_error.h"

namespace hearth::vk {
namespace {

std::optional<std::uint32_t> find_memory_type(VkPhysicalDevice device, std::uint32_t allowed_types,
                                              VkMemoryPropertyFlags wanted) {
    VkPhysicalDeviceMemoryProperties properties;
    vkGetPhysicalDeviceMemoryProperties(device, &properties);
    for (std::uint32_t i = 0; i < properties.memoryTypeCount; ++i) {
        if ((allowed_types & (1u << i)) &&
            (properties.memoryTypes[i].propertyFlags & wanted) == wanted) {
            return i;
        }
    }
    return std::nullopt;
}

} // namespace

DeviceCore::~DeviceCore() {
    if (device != VK_NULL_HANDLE) vkDestroyDevice(device, nullptr);
}

HostBuffer::HostBuffer(std::shared_ptr<DeviceCore> core, VkBuffer buffer, VkDeviceMemory memory,
                       void* mapped, std::size_t size)
    : core_(std::move(core)), buffer_(buffer), memory_(memory), mapped_(mapped), size_(size) {}

HostBuffer::HostBuffer(HostBuffer&& other) noexcept
    : core_(std::move(other.core_)), buffer_(std::exchange(other.buffer_, VK_NULL_HANDLE)),
      memory_(std::exchange(other.memory_, VK_NULL_HANDLE)),
      mapped_(std::exchange(other.mapped_, nullptr)), size_(std::exchange(other.size_, 0)) {}

HostBuffer::~HostBuffer() {
    if (!core_) return;
    vkDestroyBuffer(core_->device, buffer_, nullptr);
    vkFreeMemory(core_->device, memory_, nullptr); // also unmaps
}

ComputePipeline::ComputePipeline(std::shared_ptr<DeviceCore> core, PipelineLayoutDesc desc)
    : core_(std::move(core)), desc_(desc) {}

ComputePipeline::ComputePipeline(ComputePipeline&& other) noexcept
    : core_(std::move(other.core_)), desc_(other.desc_),
      set_layout_(std::exchange(other.set_layout_, VK_NULL_HANDLE)),
      layout_(std::exchange(other.layout_, VK_NULL_HANDLE)),
      pipeline_(std::exchange(other.pipeline_, VK_NULL_HANDLE)) {}

ComputePipeline::~ComputePipeline() {
    if (!core_) return;
    vkDestroyPipeline(core_->device, pipeline_, nullptr);
    vkDestroyPipelineLayout(core_->device, layout_, nullptr);
    vkDestroyDescriptorSetLayout(core_->device, set_layout_, nullptr);
}

Result<VulkanDevice> VulkanDevice::open(std::shared_ptr<VulkanInstance> instance,
                                        std::uint32_t index) {
    const auto& devices = instance->physical_devices();
    if (index >= devices.size()) {
        return fail("No Vulkan device number " + std::to_string(index),
                    std::to_string(devices.size()) + " compute-capable devices present");
    }
    auto core = std::make_shared<DeviceCore>();
    core->instance = std::move(instance);
    core->physical_device = devices[index];
    const std::uint32_t family = *find_compute_queue_family(core->physical_device);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{};
    queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue_info.queueFamilyIndex = family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info{};
    device_info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    if (VkResult r = vkCreateDevice(core->physical_device, &device_info, nullptr, &core->device);
        r != VK_SUCCESS) {
        core->device = VK_NULL_HANDLE;
        return fail_vk("creating the logical device", r);
    }

    VkQueue queue = VK_NULL_HANDLE;
    vkGetDeviceQueue(core->device, family, 0, &queue);

    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = family;
    VkCommandPool pool = VK_NULL_HANDLE;
    if (VkResult r = vkCreateCommandPool(core->device, &pool_info, nullptr, &pool);
        r != VK_SUCCESS) {
        return fail_vk("creating a command pool", r);
    }

    // Sized for the one-shot dispatches this layer runs; sets are freed after each.
    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64};
    VkDescriptorPoolCreateInfo descriptor_info{};
    descriptor_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    descriptor_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    descriptor_info.maxSets = 16;
    descriptor_info.poolSizeCount = 1;
    descriptor_info.pPoolSizes = &pool_size;
    VkDescriptorPool descriptors = VK_NULL_HANDLE;
    if (VkResult r = vkCreateDescriptorPool(core->device, &descriptor_info, nullptr, &descriptors);
        r != VK_SUCCESS) {
        vkDestroyCommandPool(core->device, pool, nullptr);
        return fail_vk("creating a descriptor pool", r);
    }
    return VulkanDevice(std::move(core), queue, pool, descriptors);
}

VulkanDevice::VulkanDevice(std::shared_ptr<DeviceCore> core, VkQueue queue, VkCommandPool pool,
                           VkDescriptorPool descriptors)
    : core_(std::move(core)), queue_(queue), command_pool_(pool), descriptor_pool_(descriptors) {}

VulkanDevice::VulkanDevice(VulkanDevice&& other) noexcept
    : core_(std::move(other.core_)), queue_(other.queue_),
      command_pool_(std::exchange(other.command_pool_, VK_NULL_HANDLE)),
      descriptor_pool_(std::exchange(other.descriptor_pool_, VK_NULL_HANDLE)) {}

VulkanDevice::~VulkanDevice() {
    if (!core_) return;
    vkDeviceWaitIdle(core_->device);
    vkDestroyDescriptorPool(core_->device, descriptor_pool_, nullptr);
    vkDestroyCommandPool(core_->device, command_pool_, nullptr);
}

Result<HostBuffer> VulkanDevice::create_host_buffer(std::size_t size_bytes) {
    VkBufferCreateInfo buffer_info{};
    buffer_info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    buffer_info.size = size_bytes;
    buffer_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    buffer_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer buffer = VK_NULL_HANDLE;
    if (VkResult r = vkCreateBuffer(core_->device, &buffer_info, nullptr, &buffer);
        r != VK_SUCCESS) {
        return fail_vk("creating a buffer", r);
    }
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(core_->device, buffer, &requirements);
    auto type = find_memory_type(core_->physical_device, requirements.memoryTypeBits,
                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    if (!type) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        return fail("Vulkan: the device has no host-visible memory for buffers");
    }
    VkMemoryAllocateInfo allocate{};
    allocate.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    allocate.allocationSize = requirements.size;
    allocate.memoryTypeIndex = *type;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateMemory(core_->device, &allocate, nullptr, &memory);
        r != VK_SUCCESS) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        return fail_vk("allocating buffer memory", r);
    }
    void* mapped = nullptr;
    VkResult r = vkBindBufferMemory(core_->device, buffer, memory, 0);
    if (r == VK_SUCCESS) r = vkMapMemory(core_->device, memory, 0, size_bytes, 0, &mapped);
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        vkFreeMemory(core_->device, memory, nullptr);
        return fail_vk("binding and mapping buffer memory", r);
    }
    return HostBuffer(core_, buffer, memory, mapped, size_bytes);
}

Result<ComputePipeline> VulkanDevice::create_pipeline(std::span<const std::uint32_t> spirv,
                                                      const PipelineLayoutDesc& desc) {
    ComputePipeline pipeline(core_, desc); // releases whatever was made if a later step fails
    std::vector<VkDescriptorSetLayoutBinding> bindings(desc.storage_buffer_count);
    for (std::uint32_t i = 0; i < desc.storage_buffer_count; ++i) {
        bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT,
                       nullptr};
    }
    VkDescriptorSetLayoutCreateInfo set_info{};
    set_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    set_info.bindingCount = desc.storage_buffer_count;
    set_info.pBindings = bindings.data();
    if (VkResult r =
            vkCreateDescriptorSetLayout(core_->device, &set_info, nullptr, &pipeline.set_layout_);
        r != VK_SUCCESS) {
        return fail_vk("creating a descriptor set layout", r);
    }

    VkPushConstantRange push_range{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.push_constant_bytes};
    VkPipelineLayoutCreateInfo layout_info{};
    layout_info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &pipeline.set_layout_;
    layout_info.pushConstantRangeCount = desc.push_constant_bytes > 0 ? 1 : 0;
    layout_info.pPushConstantRanges = &push_range;
    if (VkResult r =
            vkCreatePipelineLayout(core_->device, &layout_info, nullptr, &pipeline.layout_);
        r != VK_SUCCESS) {
        return fail_vk("creating a pipeline layout", r);
    }

    VkShaderModuleCreateInfo module_info{};
    module_info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    module_info.codeSize = spirv.size_bytes();
    module_info.pCode = spirv.data();
    VkShaderModule module = VK_NULL_HANDLE;
    if (VkResult r = vkCreateShaderModule(core_->device, &module_info, nullptr, &module);
        r != VK_SUCCESS) {
        return fail_vk("creating a shader module", r);
    }
    VkComputePipelineCreateInfo pipeline_info{};
    pipeline_info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    pipeline_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline_info.stage.module = module;
    pipeline_info.stage.pName = "main";
    pipeline_info.layout = pipeline.layout_;
    VkResult r = vkCreateComputePipelines(core_->device, VK_NULL_HANDLE, 1, &pipeline_info, nullptr,
                                          &pipeline.pipeline_);
    vkDestroyShaderModule(core_->device, module, nullptr);
    if (r != VK_SUCCESS) return fail_vk("creating a compute pipeline", r);
    return pipeline;
}

Result<void> VulkanDevice::dispatch_and_wait(const ComputePipeline& pipeline,
                                             std::span<HostBuffer* const> buffers,
                                             std::span<const std::byte> push_constants,
                                             std::uint32_t group_count_x) {
    const auto& desc = pipeline.desc_;
    if (buffers.size() != desc.storage_buffer_count ||
        push_constants.size() != desc.push_constant_bytes) {
        return fail("Vulkan: dispatch arguments do not match the pipeline layout");
    }
    VkDevice device = core_->device;

    VkDescriptorSetAllocateInfo set_alloc{};
    set_alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    set_alloc.descriptorPool = descriptor_pool_;
    set_alloc.descriptorSetCount = 1;
    set_alloc.pSetLayouts = &pipeline.set_layout_;
    VkDescriptorSet set = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateDescriptorSets(device, &set_alloc, &set); r != VK_SUCCESS) {
        return fail_vk("allocating a descriptor set", r);
    }
    std::vector<VkDescriptorBufferInfo> infos(buffers.size());
    std::vector<VkWriteDescriptorSet> writes(buffers.size());
    for (std::uint32_t i = 0; i < buffers.size(); ++i) {
        infos[i] = {buffers[i]->handle(), 0, VK_WHOLE_SIZE};
        writes[i] = {};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(device, static_cast<std::uint32_t>(writes.size()), writes.data(), 0,
                           nullptr);

    VkCommandBufferAllocateInfo command_alloc{};
    command_alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    command_alloc.commandPool = command_pool_;
    command_alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    command_alloc.commandBufferCount = 1;
    VkCommandBuffer commands = VK_NULL_HANDLE;
    VkResult r = vkAllocateCommandBuffers(device, &command_alloc, &commands);
    if (r != VK_SUCCESS) {
        vkFreeDescriptorSets(device, descriptor_pool_, 1, &set);
        return fail_vk("allocating a command buffer", r);
    }

    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vkBeginCommandBuffer(commands, &begin);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline_);
    vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout_, 0, 1, &set,
                            0, nullptr);
    if (!push_constants.empty()) {
        vkCmdPushConstants(commands, pipeline.layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                           static_cast<std::uint32_t>(push_constants.size()),
                           push_constants.data());
    }
    vkCmdDispatch(commands, group_count_x, 1, 1);
    // Make the shader's writes visible to the host reading the mapped memory.
    VkMemoryBarrier barrier{};
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         0, 1, &barrier, 0, nullptr, 0, nullptr);
    r = vkEndCommandBuffer(commands);

    VkFence fence = VK_NULL_HANDLE;
    if (r == VK_SUCCESS) {
        VkFenceCreateInfo fence_info{};
        fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
        r = vkCreateFence(device, &fence_info, nullptr, &fence);
    }
    if (r == VK_SUCCESS) {
        VkSubmitInfo submit{};
        submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &commands;
        r = vkQueueSubmit(queue_, 1, &submit, fence);
    }
    if (r == VK_SUCCESS) r = vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);

    vkDestroyFence(device, fence, nullptr);
    vkFreeCommandBuffers(device, command_pool_, 1, &commands);
    vkFreeDescriptorSets(device, descriptor_pool_, 1, &set);
    if (r != VK_SUCCESS) return fail_vk("running a compute dispatch", r);
    return {};
}

} // namespace hearth::vk
