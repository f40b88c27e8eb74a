// What Settings offers for the backend, from the engine's survey and its Vulkan devices, and how
// a stored choice reaches the engine.
#include <gtest/gtest.h>

#include "backend_choices.h"

namespace {

hearth::VulkanDeviceInfo device(std::uint32_t index, std::string name, hearth::DeviceKind kind) {
    hearth::VulkanDeviceInfo info;
    info.index = index;
    info.name = std::move(name);
    info.kind = kind;
    return info;
}

const std::vector<hearth::BackendStatus> survey_with_a_gpu = {
    {"cuda", false, "No NVIDIA driver found"},
    {"vulkan", true, "Radeon RX 7800 XT"},
    {"cpu", true, "8 threads"}};

TEST(BackendChoices, OfferAutomaticCudaEachVulkanDeviceAndTheCpuInThatOrder) {
    const auto choices = backend_choices(
        survey_with_a_gpu,
        std::vector{device(0, "llvmpipe (LLVM 15.0.6, 256 bits)", hearth::DeviceKind::cpu),
                    device(1, "Radeon RX 7800 XT", hearth::DeviceKind::discrete_gpu)});
    ASSERT_EQ(choices.size(), 5u);
    EXPECT_EQ(choices[0].value, "auto");
    EXPECT_TRUE(choices[0].usable);
    EXPECT_EQ(choices[0].detail, "vulkan: Radeon RX 7800 XT");
    EXPECT_EQ(choices[1].value, "cuda");
    EXPECT_FALSE(choices[1].usable);
    EXPECT_EQ(choices[1].detail, "No NVIDIA driver found");
    EXPECT_EQ(choices[2].value, "vulkan:0");
    EXPECT_EQ(choices[2].device, "llvmpipe (LLVM 15.0.6, 256 bits)");
    EXPECT_EQ(choices[2].detail, "CPU");
    EXPECT_FALSE(choices[2].best);
    EXPECT_EQ(choices[3].value, "vulkan:1");
    EXPECT_EQ(choices[3].device, "Radeon RX 7800 XT");
    EXPECT_EQ(choices[3].detail, "discrete GPU");
    EXPECT_TRUE(choices[3].best);
    EXPECT_EQ(choices[4].value, "cpu");
    EXPECT_TRUE(choices[4].usable);
    EXPECT_EQ(choices[4].detail, "8 threads");
}

TEST(BackendChoices, WithoutAVulkanLoaderVulkanIsOfferedDisabledWithTheReason) {
    const auto choices = backend_choices({{"cuda", false, "No NVIDIA driver found"},
                                          {"vulkan", false, "no Vulkan loader"},
                                          {"cpu", true, "2 threads"}},
                                         hearth::fail("no Vulkan loader (libvulkan.so.1)"));
    ASSERT_EQ(choices.size(), 4u);
    EXPECT_EQ(choices[0].detail, "cpu: 2 threads");
    EXPECT_EQ(choices[2].value, "vulkan");
    EXPECT_FALSE(choices[2].usable);
    EXPECT_EQ(choices[2].detail, "no Vulkan loader (libvulkan.so.1)");
}

TEST(BackendChoices, AVulkanDeviceChoiceNamesTheDeviceToTheEngine) {
    hearth::ModelOptions options;
    ASSERT_TRUE(apply_backend_choice("vulkan:1", options).has_value());
    EXPECT_EQ(options.backend, hearth::BackendChoice::vulkan);
    EXPECT_EQ(options.vulkan_device, 1u);

    ASSERT_TRUE(apply_backend_choice("vulkan", options).has_value());
    EXPECT_EQ(options.backend, hearth::BackendChoice::vulkan);
    EXPECT_FALSE(options.vulkan_device.has_value());

    ASSERT_TRUE(apply_backend_choice("cpu", options).has_value());
    EXPECT_EQ(options.backend, hearth::BackendChoice::cpu);
    ASSERT_TRUE(apply_backend_choice("cuda", options).has_value());
    EXPECT_EQ(options.backend, hearth::BackendChoice::cuda);
}

TEST(BackendChoices, AnythingElseIsRefused) {
    hearth::ModelOptions options;
    for (const char* bad : {"vulkan:", "vulkan:x", "vulkan:-1", "Vulkan", "gpu", ""}) {
        EXPECT_FALSE(is_backend_choice(bad)) << bad;
        EXPECT_FALSE(apply_backend_choice(bad, options).has_value()) << bad;
    }
}

} // namespace
