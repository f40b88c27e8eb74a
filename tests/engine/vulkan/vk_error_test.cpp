// How Vulkan's result codes read as errors.
#include <gtest/gtest.h>

#include "backend/vulkan/vk_error.h"

namespace {

// Nothing on a lost device runs again, so whichever call noticed, the error says the GPU stopped
// and asks for a reload; so does running out of device memory. Other failures say what failed
// and ask nothing.
TEST(VulkanErrors, ALostDeviceOrDeviceMemoryAsksForAReloadWhicheverCallNoticedIt) {
    const auto lost = hearth::vk::fail_vk("running GPU work", VK_ERROR_DEVICE_LOST).error();
    EXPECT_TRUE(lost.needs_reload);
    EXPECT_EQ(lost.message, "The GPU stopped responding (Vulkan device lost)");
    EXPECT_EQ(lost.detail, "Vulkan: running GPU work failed: VK_ERROR_DEVICE_LOST (-4)");
    const auto full =
        hearth::vk::fail_vk("running GPU work", VK_ERROR_OUT_OF_DEVICE_MEMORY).error();
    EXPECT_TRUE(full.needs_reload);
    EXPECT_EQ(full.message, "The GPU ran out of memory");
    EXPECT_EQ(full.detail, "Vulkan: running GPU work failed: VK_ERROR_OUT_OF_DEVICE_MEMORY (-2)");
    const auto other = hearth::vk::fail_vk("creating a fence", VK_ERROR_OUT_OF_HOST_MEMORY).error();
    EXPECT_FALSE(other.needs_reload);
    EXPECT_EQ(other.message, "Vulkan: creating a fence failed");
    EXPECT_EQ(other.detail, "VK_ERROR_OUT_OF_HOST_MEMORY (-1)");
}

// A context that found no device memory is worth trying shorter; a lost device is not.
TEST(VulkanErrors, OnlyDeviceMemoryRunningOutReadsAsOutOfDeviceMemory) {
    using hearth::vk::fail_vk, hearth::vk::is_out_of_device_memory;
    EXPECT_TRUE(
        is_out_of_device_memory(fail_vk("allocating", VK_ERROR_OUT_OF_DEVICE_MEMORY).error()));
    EXPECT_FALSE(is_out_of_device_memory(fail_vk("uploading", VK_ERROR_DEVICE_LOST).error()));
    EXPECT_FALSE(
        is_out_of_device_memory(fail_vk("allocating", VK_ERROR_OUT_OF_HOST_MEMORY).error()));
    EXPECT_FALSE(is_out_of_device_memory(hearth::Error{"The GPU ran out of memory", "", false}))
        << "a message alone, without the reload it asks for";
}

} // namespace
