#include "vulkan_device.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "device_query.h"
#include "vk_error.h"

namespace hearth::vk {
namespace {

// Uploads and downloads of any size go through a staging buffer of at most this many bytes.
constexpr std::size_t staging_bytes = 64u << 20;

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
    // What the int-dot matvec needs, wherever the device has it (forward_pipelines.cpp chooses).
    VkPhysicalDeviceShaderIntegerDotProductFeatures dot_products{};
    dot_products.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    dot_products.shaderIntegerDotProduct = VK_TRUE;
    if (has_integer_dot_products(core->physical_device)) {
        device_info.pNext = &dot_products;
        device_info.enabledExtensionCount = 1;
        device_info.ppEnabledExtensionNames = &integer_dot_product_extension;
    }
    if (VkResult r = vkCreateDevice(core->physical_device, &device_info, nullptr, &core->device);
        r != VK_SUCCESS) {
        core->device = VK_NULL_HANDLE;
        return fail_vk("creating the logical device", r);
    }
    VkQueue queue = VK_NULL_HANDLE;
    vkGetDeviceQueue(core->device, family, 0, &queue);
    return VulkanDevice(std::move(core), family, queue);
}

VulkanDevice::VulkanDevice(std::shared_ptr<DeviceCore> core, std::uint32_t queue_family,
                           VkQueue queue)
    : core_(std::move(core)), queue_family_(queue_family), queue_(queue) {
    vkGetPhysicalDeviceProperties(core_->physical_device, &properties_);
}

VulkanDevice::VulkanDevice(VulkanDevice&& other) noexcept
    : core_(std::move(other.core_)), queue_family_(other.queue_family_), queue_(other.queue_),
      properties_(other.properties_), queue_mutex_(std::move(other.queue_mutex_)),
      transfer_mutex_(std::move(other.transfer_mutex_)), staging_(std::move(other.staging_)),
      transfer_commands_(std::move(other.transfer_commands_)) {}

VulkanDevice::~VulkanDevice() {
    if (core_) vkDeviceWaitIdle(core_->device);
}

Result<Buffer> VulkanDevice::create_buffer(std::size_t size_bytes, MemoryKind kind) {
    if (size_bytes > properties_.limits.maxStorageBufferRange) {
        return fail("A " + std::to_string(size_bytes >> 20) + " MiB tensor is larger than " +
                    properties_.deviceName + " can address in one buffer (" +
                    std::to_string(properties_.limits.maxStorageBufferRange >> 20) + " MiB)");
    }
    VkBufferCreateInfo buffer_info{};
    buffer_info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    buffer_info.size = std::max<std::size_t>(size_bytes, 4);
    buffer_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                        VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    buffer_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer buffer = VK_NULL_HANDLE;
    if (VkResult r = vkCreateBuffer(core_->device, &buffer_info, nullptr, &buffer);
        r != VK_SUCCESS) {
        return fail_vk("creating a buffer", r);
    }
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(core_->device, buffer, &requirements);
    const bool mapped = kind != MemoryKind::device_local;
    const VkMemoryPropertyFlags wanted =
        mapped ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
               : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    std::optional<std::uint32_t> type;
    if (kind == MemoryKind::host_readback) {
        type = find_memory_type(core_->physical_device, requirements.memoryTypeBits,
                                wanted | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
    }
    if (!type) type = find_memory_type(core_->physical_device, requirements.memoryTypeBits, wanted);
    if (!type) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        return fail(mapped ? "Vulkan: the device has no host-visible memory for buffers"
                           : "Vulkan: the device has no device-local memory for buffers");
    }
    VkMemoryAllocateInfo allocate{};
    allocate.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    allocate.allocationSize = requirements.size;
    allocate.memoryTypeIndex = *type;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateMemory(core_->device, &allocate, nullptr, &memory);
        r != VK_SUCCESS) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        return fail_vk("allocating " + std::to_string(size_bytes >> 20) + " MiB of GPU memory", r);
    }
    void* pointer = nullptr;
    VkResult r = vkBindBufferMemory(core_->device, buffer, memory, 0);
    if (r == VK_SUCCESS && mapped) {
        r = vkMapMemory(core_->device, memory, 0, VK_WHOLE_SIZE, 0, &pointer);
    }
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(core_->device, buffer, nullptr);
        vkFreeMemory(core_->device, memory, nullptr);
        return fail_vk("binding and mapping buffer memory", r);
    }
    return Buffer(core_, buffer, memory, pointer, size_bytes, kind, requirements.size);
}

Result<ComputePipeline>
VulkanDevice::create_pipeline(std::span<const std::uint32_t> spirv, const PipelineLayoutDesc& desc,
                              std::span<const std::uint32_t> specialization) {
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
    std::vector<VkSpecializationMapEntry> entries(specialization.size());
    for (std::uint32_t i = 0; i < specialization.size(); ++i) {
        entries[i] = {i, i * 4u, 4u};
    }
    VkSpecializationInfo specialization_info{};
    specialization_info.mapEntryCount = static_cast<std::uint32_t>(entries.size());
    specialization_info.pMapEntries = entries.data();
    specialization_info.dataSize = specialization.size_bytes();
    specialization_info.pData = specialization.data();

    VkComputePipelineCreateInfo pipeline_info{};
    pipeline_info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    pipeline_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline_info.stage.module = module;
    pipeline_info.stage.pName = "main";
    pipeline_info.stage.pSpecializationInfo =
        specialization.empty() ? nullptr : &specialization_info;
    pipeline_info.layout = pipeline.layout_;
    VkResult r = vkCreateComputePipelines(core_->device, VK_NULL_HANDLE, 1, &pipeline_info, nullptr,
                                          &pipeline.pipeline_);
    vkDestroyShaderModule(core_->device, module, nullptr);
    if (r != VK_SUCCESS) return fail_vk("creating a compute pipeline", r);
    return pipeline;
}

Result<DescriptorArena> VulkanDevice::create_descriptor_arena(std::uint32_t sets,
                                                              std::uint32_t buffers_per_set) {
    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets * buffers_per_set};
    VkDescriptorPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    info.maxSets = sets;
    info.poolSizeCount = 1;
    info.pPoolSizes = &pool_size;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    if (VkResult r = vkCreateDescriptorPool(core_->device, &info, nullptr, &pool);
        r != VK_SUCCESS) {
        return fail_vk("creating a descriptor pool", r);
    }
    return DescriptorArena(core_, pool);
}

Result<CommandList> VulkanDevice::create_command_list() {
    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = queue_family_;
    VkCommandPool pool = VK_NULL_HANDLE;
    if (VkResult r = vkCreateCommandPool(core_->device, &pool_info, nullptr, &pool);
        r != VK_SUCCESS) {
        return fail_vk("creating a command pool", r);
    }
    VkCommandBufferAllocateInfo allocate{};
    allocate.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    allocate.commandPool = pool;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VkCommandBuffer commands = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateCommandBuffers(core_->device, &allocate, &commands);
        r != VK_SUCCESS) {
        vkDestroyCommandPool(core_->device, pool, nullptr);
        return fail_vk("allocating a command buffer", r);
    }
    return CommandList(core_, pool, commands);
}

Result<TimestampPool> VulkanDevice::create_timestamp_pool(std::uint32_t capacity) {
    std::uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(core_->physical_device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(core_->physical_device, &count, families.data());
    if (families[queue_family_].timestampValidBits == 0 ||
        properties_.limits.timestampPeriod <= 0) {
        return fail("This GPU cannot time its work (no timestamps on its compute queue)");
    }
    VkQueryPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = capacity;
    VkQueryPool pool = VK_NULL_HANDLE;
    if (VkResult r = vkCreateQueryPool(core_->device, &info, nullptr, &pool); r != VK_SUCCESS) {
        return fail_vk("creating a timestamp query pool", r);
    }
    const std::uint32_t bits = families[queue_family_].timestampValidBits;
    const std::uint64_t mask = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    return TimestampPool(core_, pool, capacity, properties_.limits.timestampPeriod * 1e-9, mask);
}

Result<Fence> VulkanDevice::create_fence() {
    VkFenceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    VkFence fence = VK_NULL_HANDLE;
    if (VkResult r = vkCreateFence(core_->device, &info, nullptr, &fence); r != VK_SUCCESS) {
        return fail_vk("creating a fence", r);
    }
    return Fence(core_, fence);
}

Result<void> VulkanDevice::submit(std::initializer_list<const CommandList*> lists,
                                  const Fence& done) {
    std::array<VkCommandBuffer, 4> handles{}; // no allocation on a decode step's path
    if (lists.size() > handles.size()) return fail("Internal error: too many lists in a submit");
    std::ranges::transform(lists, handles.begin(), &CommandList::handle);
    VkFence fence = done.handle();
    if (VkResult r = vkResetFences(core_->device, 1, &fence); r != VK_SUCCESS) {
        return fail_vk("running GPU work", r);
    }
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = static_cast<std::uint32_t>(lists.size());
    submit.pCommandBuffers = handles.data();
    std::lock_guard lock(*queue_mutex_);
    if (VkResult r = vkQueueSubmit(queue_, 1, &submit, fence); r != VK_SUCCESS) {
        return fail_vk("running GPU work", r);
    }
    return {};
}

Result<void> VulkanDevice::wait(const Fence& done) {
    VkFence fence = done.handle();
    if (VkResult r = vkWaitForFences(core_->device, 1, &fence, VK_TRUE, UINT64_MAX);
        r != VK_SUCCESS) {
        return fail_vk("running GPU work", r);
    }
    return {};
}

Result<void> VulkanDevice::submit_and_wait(const CommandList& commands) {
    auto done = create_fence();
    if (!done) return std::unexpected(done.error());
    if (auto r = submit(commands, *done); !r) return r;
    return wait(*done);
}

Result<Buffer*> VulkanDevice::staging() {
    if (!staging_) {
        auto buffer = create_buffer(staging_bytes, MemoryKind::host_visible);
        if (!buffer) return std::unexpected(buffer.error());
        auto commands = create_command_list();
        if (!commands) return std::unexpected(commands.error());
        staging_.emplace(std::move(*buffer));
        transfer_commands_.emplace(std::move(*commands));
    }
    return &*staging_;
}

Result<void> VulkanDevice::upload(Buffer& target, std::size_t offset,
                                  std::span<const std::byte> bytes) {
    if (offset + bytes.size() > target.size_bytes()) {
        return fail("Internal error: an upload runs past the end of its buffer");
    }
    if (!target.bytes().empty()) {
        std::memcpy(target.bytes().data() + offset, bytes.data(), bytes.size());
        return {};
    }
    std::lock_guard lock(*transfer_mutex_);
    auto stage = staging();
    if (!stage) return std::unexpected(stage.error());
    for (std::size_t done = 0; done < bytes.size(); done += staging_bytes) {
        const std::size_t n = std::min(staging_bytes, bytes.size() - done);
        std::memcpy((*stage)->bytes().data(), bytes.data() + done, n);
        if (auto r = transfer_commands_->begin(); !r) return r;
        transfer_commands_->copy(**stage, 0, target, offset + done, n);
        // Visible to the shaders of later submissions (dispatches wait on compute writes only).
        transfer_commands_->barrier();
        if (auto r = transfer_commands_->end(); !r) return r;
        if (auto r = submit_and_wait(*transfer_commands_); !r) return r;
    }
    return {};
}

Result<void> VulkanDevice::download(const Buffer& source, std::size_t offset,
                                    std::span<std::byte> bytes) {
    if (offset + bytes.size() > source.size_bytes()) {
        return fail("Internal error: a download runs past the end of its buffer");
    }
    std::lock_guard lock(*transfer_mutex_);
    auto stage = staging();
    if (!stage) return std::unexpected(stage.error());
    for (std::size_t done = 0; done < bytes.size(); done += staging_bytes) {
        const std::size_t n = std::min(staging_bytes, bytes.size() - done);
        if (auto r = transfer_commands_->begin(); !r) return r;
        transfer_commands_->copy(source, offset + done, **stage, 0, n);
        transfer_commands_->barrier();
        if (auto r = transfer_commands_->end(); !r) return r;
        if (auto r = submit_and_wait(*transfer_commands_); !r) return r;
        std::memcpy(bytes.data() + done, (*stage)->bytes().data(), n);
    }
    return {};
}

Result<void> VulkanDevice::dispatch_and_wait(const ComputePipeline& pipeline,
                                             std::span<const Buffer* const> buffers,
                                             std::span<const std::byte> push_constants,
                                             std::uint32_t group_count_x) {
    const auto& desc = pipeline.layout_desc();
    if (buffers.size() != desc.storage_buffer_count ||
        push_constants.size() != desc.push_constant_bytes) {
        return fail("Vulkan: dispatch arguments do not match the pipeline layout");
    }
    auto arena = create_descriptor_arena(1, std::max(1u, desc.storage_buffer_count));
    if (!arena) return std::unexpected(arena.error());
    auto set = arena->bind(pipeline, buffers);
    if (!set) return std::unexpected(set.error());
    auto commands = create_command_list();
    if (!commands) return std::unexpected(commands.error());
    if (auto r = commands->begin(); !r) return r;
    commands->dispatch(pipeline, *set, push_constants, group_count_x);
    commands->barrier();
    if (auto r = commands->end(); !r) return r;
    return submit_and_wait(*commands);
}

} // namespace hearth::vk
