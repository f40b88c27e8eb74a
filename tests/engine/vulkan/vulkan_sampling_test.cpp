// Sampling on the device (on lavapipe in CI): the token drawn from the tiny model's logits on the
// GPU against the same draw made on the host (forward/sampling_checks.h), and a chat turn.
#include <gtest/gtest.h>

#include "backend/vulkan/vulkan_backend.h"
#include "forward/forward_goldens.h"
#include "forward/sampling_checks.h"
#include "hearth/chat_session.h"

namespace {

using namespace hearth::test;

class VulkanSampling : public testing::Test {
  protected:
    void SetUp() override {
        backend_ = made_backend(hearth::vk::create_vulkan_backend(
            tiny_model_files("tiny-gpt-oss.gguf"), {.kv_cache = hearth::KvCachePrecision::f32}));
        ASSERT_TRUE(backend_);
    }
    std::unique_ptr<hearth::Backend> backend_;
};

TEST_F(VulkanSampling, GreedyDrawsTheLogitsArgmaxStepAfterStep) {
    expect_greedy_draws_match_the_argmax(*backend_);
}

TEST_F(VulkanSampling, ExcludedIdsAreNeverDrawn) { expect_excluded_ids_never_drawn(*backend_); }

TEST_F(VulkanSampling, TemperatureDrawsMatchTheHostsDrawInIdOrder) {
    expect_temperature_draws_match_the_host(*backend_);
}

TEST_F(VulkanSampling, TopPAndMinPDrawsMatchTheHostsDrawAmongTheKeptIds) {
    expect_top_p_and_min_p_draws_match_the_host(*backend_);
}

TEST_F(VulkanSampling, StepsAheadDrawWhatSingleStepsDraw) {
    expect_steps_ahead_draw_what_single_steps_draw(*backend_);
}

TEST_F(VulkanSampling, StepsAheadNeverChangeWhatOtherCallsGive) {
    expect_steps_ahead_never_change_what_other_calls_give(*backend_);
}

TEST_F(VulkanSampling, ADecodeLoopFindsEveryStepAfterTheFirstRunningAhead) {
    expect_a_decode_loop_finds_every_step_after_the_first_ahead(*backend_);
}

TEST_F(VulkanSampling, OnlyTheSettingsTheDeviceAppliesRunThere) {
    expect_only_device_settings_run_there(*backend_);
}

// What a greedy chat turn says, on one backend.
std::string greedy_answer(hearth::BackendChoice backend) {
    auto model = hearth::Model::load(std::string(HEARTH_TINY_MODEL_DIR) + "/tiny-gpt-oss.gguf",
                                     {.backend = backend,
                                      .threads = 2,
                                      .kv_cache = hearth::KvCachePrecision::f32,
                                      .progress = {}});
    EXPECT_TRUE(model.has_value()) << model.error().message;
    if (!model) return {};
    auto session = hearth::ChatSession::create(*model, 256);
    EXPECT_TRUE(session.has_value());
    hearth::harmony::Conversation conversation;
    conversation.current_date = "2026-11-26";
    hearth::harmony::Message question;
    question.content = "Say something.";
    conversation.messages.push_back(question);
    hearth::GenerationOptions options;
    options.sampling.temperature = 0;
    options.max_tokens = 24;
    std::string text;
    auto stats = session->generate(conversation, options, [&](const auto& event) {
        if (const auto* delta = std::get_if<hearth::harmony::TextDelta>(&event))
            text += delta->text;
    });
    EXPECT_TRUE(stats.has_value());
    return text;
}

// The chat session draws on the GPU there (greedy runs on the device) and says what the CPU says.
TEST(VulkanChatSession, AGreedyTurnOnTheGpuSaysWhatTheCpuSays) {
    const std::string on_gpu = greedy_answer(hearth::BackendChoice::vulkan);
    EXPECT_FALSE(on_gpu.empty());
    EXPECT_EQ(on_gpu, greedy_answer(hearth::BackendChoice::cpu));
}

} // namespace
