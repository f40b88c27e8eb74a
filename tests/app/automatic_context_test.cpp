// The context a model opens with while Settings leaves it automatic: the largest the fit check
// says fits the device's memory, on the tiny fixture model (4096 tokens of its own).
#include <gtest/gtest.h>

#include "automatic_context.h"
#include "hearth/fit_check.h"

namespace {

using hearth::app::automatic_context;
using hearth::app::fit_device;
using hearth::app::FitDevice;

const std::filesystem::path tiny =
    std::filesystem::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss.gguf";

// What the fit check says `context` tokens of the tiny model need on the CPU backend.
std::uint64_t cpu_need(std::uint32_t context) {
    auto fit = hearth::check_model_fit(tiny, 0, hearth::cpu_fit_options(), context);
    EXPECT_TRUE(fit.has_value());
    return fit ? fit->need.total() : 0;
}

TEST(AutomaticContext, TheCpuBackendIsCheckedAgainstThisComputersMemory) {
    const FitDevice device = fit_device(std::nullopt);
    EXPECT_EQ(device.memory_bytes, hearth::system_memory_bytes());
    EXPECT_EQ(device.options.kv_element_bytes, 4u); // the CPU keeps an f32 cache
    EXPECT_FALSE(device.weights_already_allocated);
}

TEST(AutomaticContext, AGpuIsCheckedAgainstWhatItHasLeftBesideTheWeights) {
    const FitDevice device = fit_device(3 * hearth::gibibyte);
    EXPECT_EQ(device.memory_bytes, 3 * hearth::gibibyte);
    EXPECT_EQ(device.options.kv_element_bytes, 2u); // f16 on the GPU
    EXPECT_TRUE(device.weights_already_allocated);
}

TEST(AutomaticContext, An8BitGpuCacheFitsALongerContextThanF16) {
    // Memory for the tiny model's whole 4096 tokens with an 8-bit cache, whose rows of 16 values
    // take 20 bytes rather than f16's 32: f16 gets half of that context.
    auto need = [](hearth::KvCachePrecision kv_cache, std::uint32_t context) {
        auto fit = hearth::check_model_fit(tiny, 0, hearth::gpu_fit_options(kv_cache), context);
        EXPECT_TRUE(fit.has_value());
        return fit ? fit->need.total() : 0;
    };
    const std::uint64_t memory = need(hearth::KvCachePrecision::q8, 4096);
    ASSERT_GT(need(hearth::KvCachePrecision::f16, 4096), memory);
    EXPECT_EQ(automatic_context(tiny, {memory, hearth::gpu_fit_options()}), 2048u);
    EXPECT_EQ(
        automatic_context(tiny, {memory, fit_device(1, hearth::KvCachePrecision::q8).options}),
        4096u);
}

TEST(AutomaticContext, TheModelsWholeContextWhenItFits) {
    EXPECT_EQ(automatic_context(tiny, {16 * hearth::gibibyte, hearth::cpu_fit_options()}), 4096u);
}

TEST(AutomaticContext, TheLargestPowerOfTwoThatFits) {
    const std::uint64_t just_2048 = cpu_need(2048);
    ASSERT_LT(just_2048, cpu_need(4096));
    EXPECT_EQ(automatic_context(tiny, {just_2048, hearth::cpu_fit_options()}), 2048u);
    EXPECT_EQ(automatic_context(tiny, {just_2048 - 1, hearth::cpu_fit_options()}), 1024u);
}

// A GPU's budget is read after the weights are on it: they are counted back in.
TEST(AutomaticContext, MemoryReadAfterLoadingGetsTheWeightsBack) {
    const auto weights = hearth::check_model_fit(tiny, 0, hearth::cpu_fit_options(), 1024);
    ASSERT_TRUE(weights.has_value());
    const std::uint64_t left = cpu_need(2048) - weights->need.weights;
    EXPECT_EQ(automatic_context(tiny, {left, hearth::cpu_fit_options()}), 1024u);
    EXPECT_EQ(automatic_context(tiny, {left, hearth::cpu_fit_options(), true}), 2048u);
}

TEST(AutomaticContext, NoLongerThanTheLongestOffered) {
    EXPECT_EQ(hearth::app::longest_automatic_context, 32768u);
    EXPECT_EQ(
        automatic_context(tiny, {16 * hearth::gibibyte, hearth::cpu_fit_options(), false, 2048}),
        2048u);
}

TEST(AutomaticContext, TheSmallestStepWhenNothingFits) {
    EXPECT_EQ(automatic_context(tiny, {hearth::mebibyte, hearth::cpu_fit_options()}), 1024u);
}

TEST(AutomaticContext, AFileThatIsNoModelIsAnError) {
    EXPECT_FALSE(automatic_context(std::filesystem::path(HEARTH_TINY_MODEL_DIR) / "missing.gguf",
                                   {16 * hearth::gibibyte, hearth::cpu_fit_options()}));
}

} // namespace

// A model shorter than the smallest step (a small test model) opens with its own length, which is
// all a session on it accepts, not the step.
TEST(AutomaticContext, NoLongerThanTheModelsOwnLength) {
    hearth::FitOptions options = hearth::cpu_fit_options();
    options.min_context = 8192; // the tiny model has 4096
    EXPECT_EQ(automatic_context(tiny, {16 * hearth::gibibyte, options}), 4096u);
    EXPECT_EQ(automatic_context(tiny, {1, options}), 4096u);
}
