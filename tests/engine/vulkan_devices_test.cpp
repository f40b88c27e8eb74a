#include <gtest/gtest.h>

#include <bit>

#include "hearth/gpu_devices.h"
#include "vulkan_test_driver.h"

namespace {

TEST(VulkanDevices, AtLeastOneComputeDeviceIsPresent) {
    auto devices = hearth::enumerate_vulkan_devices();
    ASSERT_TRUE(devices.has_value()) << devices.error().message << ": " << devices.error().detail;
    ASSERT_FALSE(devices->empty())
        << "no Vulkan 1.2 compute device; install mesa-vulkan-drivers for lavapipe";
    for (const auto& d : *devices) {
        std::printf("Vulkan device %u: %s (%s)\n", d.index, d.name.c_str(), d.vendor.c_str());
    }
}

TEST(VulkanDevices, ReportedLimitsMeetTheVulkanMinimums) {
    auto devices = hearth::enumerate_vulkan_devices();
    ASSERT_TRUE(devices.has_value());
    for (const auto& d : *devices) {
        SCOPED_TRACE(d.name);
        EXPECT_FALSE(d.name.empty());
        EXPECT_FALSE(d.vendor.empty());
        EXPECT_GT(d.device_local_bytes, 0u);
        EXPECT_TRUE(std::has_single_bit(d.subgroup_size)) << d.subgroup_size;
        // Minimums every Vulkan implementation must meet (Vulkan spec, "Required Limits").
        EXPECT_GE(d.max_workgroup_invocations, 128u);
        EXPECT_GE(d.max_shared_memory_bytes, 16384u);
        EXPECT_GE(d.max_storage_buffer_range, 1u << 27);
        EXPECT_GE(d.max_storage_buffers_per_stage, 4u);
        EXPECT_EQ(d.device_local_budget_bytes.has_value(), d.features.memory_budget);
        EXPECT_TRUE(d.api_version.starts_with("1."));
    }
}

// When the tests are pointed at lavapipe, check what is known of it (shared/docs/environment.md),
// which also proves the device list really came from the forced driver.
TEST(VulkanDevices, LavapipeReportsItsKnownFeatures) {
    if (!hearth::test::vulkan_driver_is_lavapipe())
        GTEST_SKIP() << "tests are not pointed at lavapipe";
    auto devices = hearth::enumerate_vulkan_devices();
    ASSERT_TRUE(devices.has_value());
    ASSERT_EQ(devices->size(), 1u);
    const auto& d = devices->front();
    EXPECT_NE(d.name.find("llvmpipe"), std::string::npos) << d.name;
    EXPECT_EQ(d.kind, hearth::DeviceKind::cpu);
    EXPECT_EQ(d.vendor, "Mesa");
    EXPECT_TRUE(d.features.shader_float16);
    EXPECT_TRUE(d.features.shader_int8);
    EXPECT_TRUE(d.features.storage_buffer_8bit);
    EXPECT_TRUE(d.features.storage_buffer_16bit);
    EXPECT_TRUE(d.features.subgroup_arithmetic);
    EXPECT_TRUE(d.features.subgroup_shuffle);
    EXPECT_TRUE(d.features.integer_dot_product);
    EXPECT_FALSE(d.features.fast_integer_dot_product); // emulated by LLVM
    EXPECT_FALSE(d.features.cooperative_matrix);
    EXPECT_FALSE(d.features.memory_budget);
}

} // namespace
