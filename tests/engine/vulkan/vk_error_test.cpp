// How Vulkan's result codes read as errors.
#include <gtest/gtest.h>

#include "backend/vulkan/vk_error.h"

namespace {

// Nothing on a lost device runs again, so whichever call noticed, the error says the GPU stopped
// and asks for a reload; other failures say what failed and ask nothing.
TEST(VulkanErrors, ALostDeviceAsksForAReloadWhicheverCallNoticedIt) {
    const auto lost = hearth::vk::fail_vk("running GPU work", VK_ERROR_DEVICE_LOST).error();
    EXPECT_TRUE(lost.needs_reload);
    EXPECT_EQ(lost.message, "The GPU stopped responding (Vulkan device lost)");
    EXPECT_EQ(lost.detail, "Vulkan: running GPU work failed: VK_ERROR_DEVICE_LOST (-4)");
    const auto full =
        hearth::vk::fail_vk("allocating memory", VK_ERROR_OUT_OF_DEVICE_MEMORY).error();
    EXPECT_FALSE(full.needs_reload);
    EXPECT_EQ(full.message, "Vulkan: allocating memory failed");
    EXPECT_EQ(full.detail, "VK_ERROR_OUT_OF_DEVICE_MEMORY (-2)");
}

} // namespace
