// Sampling on the device (on lavapipe in CI): the token drawn from the tiny model's logits on the
// GPU against the same draw made here from the logits of a twin sequence.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/vulkan/vulkan_backend.h"
#include "forward/forward_goldens.h"
#include "hearth/chat_session.h"

namespace {

using namespace hearth;
using namespace hearth::test;

constexpr float negative_infinity = -std::numeric_limits<float>::infinity();

class VulkanSampling : public testing::Test {
  protected:
    void SetUp() override {
        auto backend = vk::create_vulkan_backend(tiny_model_files("tiny-gpt-oss.gguf"),
                                                 {.kv_cache_f16 = false});
        ASSERT_TRUE(backend.has_value()) << backend.error().message;
        backend_ = std::move(*backend);
        for (auto* target : {&sampled_, &twin_}) {
            auto sequence = backend_->create_context(256);
            ASSERT_TRUE(sequence.has_value());
            *target = std::move(*sequence);
        }
        prompt_ = golden_prompt_ids("twelve_tokens");
        logits_.resize(backend_->vocab_size());
    }

    // The prompt but its last token, in both sequences.
    void run_prompt_head() {
        const auto head = std::span(prompt_).first(prompt_.size() - 1);
        ASSERT_TRUE(sampled_->append(head, {}).has_value());
        ASSERT_TRUE(twin_->append(head, {}).has_value());
    }

    // Runs `token` in the twin (its logits, excluded ids at -infinity) and draws after it on the
    // device, then forgets it in the sampling sequence so the next draw reruns it.
    std::int32_t draw_after(std::int32_t token, const SamplingSettings& settings, float random,
                            const std::vector<bool>& excluded = {}) {
        if (twin_->length() == sampled_->length()) {
            EXPECT_TRUE(twin_->append(std::span(&token, 1), logits_).has_value());
            for (std::size_t id = 0; id < excluded.size(); ++id) {
                if (excluded[id]) logits_[id] = negative_infinity;
            }
        }
        auto drawn = sampled_->append_and_sample(std::span(&token, 1), settings, random);
        EXPECT_TRUE(drawn.has_value()) << drawn.error().message;
        sampled_->truncate(sampled_->length() - 1);
        return drawn ? *drawn : -1;
    }

    std::unique_ptr<Backend> backend_;
    std::unique_ptr<Sequence> sampled_, twin_;
    std::vector<std::int32_t> prompt_;
    std::vector<float> logits_;
};

std::int32_t argmax(const std::vector<float>& logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// The draw in id order over exp((logit - top) / temperature), in double: the first id whose
// cumulative weight passes random * total. `margin`: how close the draw came to the id's edges,
// relative to the total (a float sum on the device may land on a neighbour when it is tiny).
struct ExpectedDraw {
    std::int32_t id = -1;
    double margin = 0;
};
ExpectedDraw draw_in_id_order(const std::vector<float>& logits, float temperature, float random) {
    const float top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> weights(logits.size());
    double total = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        weights[i] = std::exp((double{logits[i]} - top) / temperature);
        total += weights[i];
    }
    const double target = random * total;
    double mass = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (weights[i] == 0) continue;
        if (mass + weights[i] > target) {
            return {static_cast<std::int32_t>(i),
                    std::min(target - mass, mass + weights[i] - target) / total};
        }
        mass += weights[i];
    }
    return {};
}

TEST_F(VulkanSampling, GreedyDrawsTheLogitsArgmaxStepAfterStep) {
    run_prompt_head();
    std::int32_t token = prompt_.back();
    for (int step = 0; step < 8; ++step) {
        const std::int32_t drawn = draw_after(token, {.temperature = 0.0f}, 0.5f);
        EXPECT_EQ(drawn, argmax(logits_)) << "step " << step;
        // Move both sequences on by the token.
        ASSERT_TRUE(sampled_->append(std::span(&token, 1), {}).has_value());
        token = drawn;
    }
}

TEST_F(VulkanSampling, ExcludedIdsAreNeverDrawn) {
    run_prompt_head();
    std::vector<bool> excluded(backend_->vocab_size(), false);
    // Exclude the best 50 tokens after the prompt (and the last id): the draw must go below them.
    ASSERT_TRUE(twin_->append(std::span(&prompt_.back(), 1), logits_).has_value());
    std::vector<std::int32_t> order(logits_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::int32_t>(i);
    std::partial_sort(order.begin(), order.begin() + 51, order.end(),
                      [&](auto a, auto b) { return logits_[a] > logits_[b]; });
    for (int i = 0; i < 50; ++i)
        excluded[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = true;
    excluded.back() = true;
    ASSERT_TRUE(sampled_->exclude_from_sampling(excluded).has_value());
    ASSERT_TRUE(twin_->truncate(twin_->length() - 1) == sampled_->length());

    EXPECT_EQ(draw_after(prompt_.back(), {.temperature = 0.0f}, 0.0f, excluded), order[50]);
    for (const float random : {0.0f, 0.25f, 0.5f, 0.999f}) {
        const std::int32_t drawn = draw_after(prompt_.back(), {.temperature = 3.0f}, random);
        ASSERT_GE(drawn, 0);
        EXPECT_FALSE(excluded[static_cast<std::size_t>(drawn)]) << "random " << random;
    }
}

TEST_F(VulkanSampling, TemperatureDrawsMatchTheHostsDrawInIdOrder) {
    run_prompt_head();
    // Hot enough that the draw spreads over many ids, and the spec's default of 1.
    for (const float temperature : {1.0f, 8.0f}) {
        for (const float random : {0.0f, 0.05f, 0.3f, 0.5f, 0.77f, 0.95f, 0.9999f}) {
            SCOPED_TRACE("temperature " + std::to_string(temperature) + ", random " +
                         std::to_string(random));
            const std::int32_t drawn =
                draw_after(prompt_.back(), {.temperature = temperature}, random);
            const auto expected = draw_in_id_order(logits_, temperature, random);
            if (expected.margin > 1e-5) {
                EXPECT_EQ(drawn, expected.id);
            } else {
                EXPECT_NEAR(drawn, expected.id, 16); // on an edge: a neighbouring id
            }
        }
    }
}

TEST_F(VulkanSampling, OnlyTheSettingsTheDeviceAppliesRunThere) {
    EXPECT_TRUE(sampled_->samples_on_device({.temperature = 0.0f, .top_p = 0.5f}));
    EXPECT_TRUE(sampled_->samples_on_device({.temperature = 0.7f, .top_k = 1}));
    EXPECT_TRUE(sampled_->samples_on_device({.temperature = 1.0f}));
    EXPECT_FALSE(sampled_->samples_on_device({.temperature = 1.0f, .top_p = 0.9f}));
    EXPECT_FALSE(sampled_->samples_on_device({.temperature = 1.0f, .top_k = 40}));
    EXPECT_FALSE(sampled_->samples_on_device({.temperature = 1.0f, .min_p = 0.05f}));
    const std::int32_t token = prompt_.front();
    EXPECT_FALSE(sampled_->append_and_sample(std::span(&token, 1), {.top_p = 0.9f}, 0.5f));
    EXPECT_EQ(sampled_->length(), 0u);
}

} // namespace

namespace {

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
