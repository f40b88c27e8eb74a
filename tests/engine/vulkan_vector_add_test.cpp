#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "backend/vulkan/vulkan_device.h"
#include "hearth/spirv.h"
#include "kernel_args.h"

namespace {

using hearth::vk::Buffer;
using hearth::vk::MemoryKind;

std::vector<float> random_vector(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1000.0f, 1000.0f);
    std::vector<float> v(n);
    for (float& x : v)
        x = dist(rng);
    return v;
}

void upload(Buffer& buffer, const std::vector<float>& values) {
    std::memcpy(buffer.bytes().data(), values.data(), values.size() * sizeof(float));
}

// Runs the embedded f32_vector_add shader on every device and compares with the CPU sum. IEEE
// addition is correctly rounded on both sides, so the results must be bit-identical.
TEST(VulkanVectorAdd, MatchesTheCpuOnEveryDevice) {
    auto instance = hearth::vk::VulkanInstance::create();
    ASSERT_TRUE(instance.has_value()) << instance.error().message;
    ASSERT_FALSE((*instance)->physical_devices().empty());

    // Not a multiple of the workgroup size (64), so the bounds check in the shader matters.
    constexpr std::uint32_t count = 100'003;
    const auto a = random_vector(count, 1);
    const auto b = random_vector(count, 2);

    for (std::uint32_t index = 0; index < (*instance)->physical_devices().size(); ++index) {
        SCOPED_TRACE("device " + std::to_string(index));
        auto device = hearth::vk::VulkanDevice::open(*instance, index);
        ASSERT_TRUE(device.has_value()) << device.error().message << ": " << device.error().detail;

        const std::size_t bytes = count * sizeof(float);
        auto buffer_a = device->create_buffer(bytes, MemoryKind::host_visible);
        auto buffer_b = device->create_buffer(bytes, MemoryKind::host_visible);
        // One extra element past the end, to catch writes beyond `count`.
        auto buffer_out = device->create_buffer(bytes + sizeof(float), MemoryKind::host_visible);
        ASSERT_TRUE(buffer_a && buffer_b && buffer_out);
        upload(*buffer_a, a);
        upload(*buffer_b, b);
        const float sentinel = -12345.0f;
        std::vector<float> poisoned(count + 1, sentinel);
        upload(*buffer_out, poisoned);

        auto pipeline = device->create_pipeline(
            hearth::spirv::f32_vector_add,
            {.storage_buffer_count = 3,
             .push_constant_bytes = sizeof(hearth::kernel_args::VectorAddArgs)});
        ASSERT_TRUE(pipeline.has_value()) << pipeline.error().message;

        const hearth::kernel_args::VectorAddArgs args{count};
        const Buffer* buffers[] = {&*buffer_a, &*buffer_b, &*buffer_out};
        auto ran = device->dispatch_and_wait(*pipeline, buffers, std::as_bytes(std::span(&args, 1)),
                                             (count + 63) / 64);
        ASSERT_TRUE(ran.has_value()) << ran.error().message << ": " << ran.error().detail;

        const auto* out = reinterpret_cast<const float*>(buffer_out->bytes().data());
        std::size_t mismatches = 0;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (out[i] != a[i] + b[i]) ++mismatches;
        }
        EXPECT_EQ(mismatches, 0u);
        EXPECT_EQ(out[count], sentinel) << "the shader wrote past the end";
    }
}

TEST(VulkanVectorAdd, DispatchRefusesArgumentsThatDoNotMatchTheLayout) {
    auto instance = hearth::vk::VulkanInstance::create();
    ASSERT_TRUE(instance.has_value());
    auto device = hearth::vk::VulkanDevice::open(*instance, 0);
    ASSERT_TRUE(device.has_value());
    auto pipeline = device->create_pipeline(hearth::spirv::f32_vector_add,
                                            {.storage_buffer_count = 3, .push_constant_bytes = 4});
    ASSERT_TRUE(pipeline.has_value());
    auto buffer = device->create_buffer(64, MemoryKind::host_visible);
    ASSERT_TRUE(buffer.has_value());
    const Buffer* one_buffer[] = {&*buffer};
    const std::uint32_t count = 16;
    auto ran =
        device->dispatch_and_wait(*pipeline, one_buffer, std::as_bytes(std::span(&count, 1)), 1);
    ASSERT_FALSE(ran.has_value());
    EXPECT_NE(ran.error().message.find("do not match"), std::string::npos);
}

TEST(VulkanVectorAdd, OpeningADeviceThatDoesNotExistIsAnError) {
    auto instance = hearth::vk::VulkanInstance::create();
    ASSERT_TRUE(instance.has_value());
    auto device = hearth::vk::VulkanDevice::open(*instance, 1000);
    ASSERT_FALSE(device.has_value());
    EXPECT_EQ(device.error().message, "No Vulkan device number 1000");
}

} // namespace
