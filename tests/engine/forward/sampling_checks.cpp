#include "sampling_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "forward_goldens.h"

namespace hearth::test {
namespace {

constexpr float negative_infinity = -std::numeric_limits<float>::infinity();

// Two sequences of `backend` on the tiny model: one draws on the device, its twin gives the
// logits the host draws from.
class SamplingRig {
  public:
    explicit SamplingRig(Backend& backend) : logits_(backend.vocab_size()) {
        for (auto* target : {&sampled_, &twin_}) {
            auto sequence = backend.create_context(256);
            EXPECT_TRUE(sequence.has_value());
            if (sequence) *target = std::move(*sequence);
        }
        prompt_ = golden_prompt_ids("twelve_tokens");
    }
    bool ready() const { return sampled_ && twin_; }

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

    std::unique_ptr<Sequence> sampled_, twin_;
    std::vector<std::int32_t> prompt_;
    std::vector<float> logits_;
};

std::int32_t argmax(const std::vector<float>& logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// The draw in id order over exp((logit - top) / temperature), in double: the first id whose
// cumulative weight passes random * total, over the ids top-p and min-p keep (the most likely
// ones, all ties at the last, until their weight reaches top_p of all). `margin`: how close the
// draw came to the id's edges, relative to the total (a float sum on the device may land on a
// neighbour when it is tiny).
struct ExpectedDraw {
    std::int32_t id = -1;
    double margin = 0;
    std::int32_t before = -1, after = -1; // the kept ids next to it
};
ExpectedDraw draw_in_id_order(const std::vector<float>& logits, float temperature, float random,
                              float top_p = 1.0f, float min_p = 0.0f) {
    const float top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> weights(logits.size());
    double all = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        weights[i] = std::exp((double{logits[i]} - top) / temperature);
        all += weights[i];
    }
    std::vector<float> sorted(logits);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    float cut = sorted.back();
    double reached = 0;
    for (const float logit : sorted) {
        reached += std::exp((double{logit} - top) / temperature);
        cut = logit;
        if (reached >= top_p * all) break;
    }
    double total = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (logits[i] < cut || weights[i] < min_p) weights[i] = 0;
        total += weights[i];
    }
    const double target = random * total;
    double mass = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (weights[i] == 0) continue;
        if (mass + weights[i] > target) {
            ExpectedDraw draw{static_cast<std::int32_t>(i),
                              std::min(target - mass, mass + weights[i] - target) / total};
            for (std::size_t j = i; j-- > 0;) {
                if (weights[j] > 0) {
                    draw.before = static_cast<std::int32_t>(j);
                    break;
                }
            }
            for (std::size_t j = i + 1; j < logits.size(); ++j) {
                if (weights[j] > 0) {
                    draw.after = static_cast<std::int32_t>(j);
                    break;
                }
            }
            return draw;
        }
        mass += weights[i];
    }
    return {};
}

// The expected id, or on an edge (within 1e-5 of the total, where float sums on the device may
// land either side) a kept id next to it.
void expect_drawn(std::int32_t drawn, const ExpectedDraw& expected) {
    if (expected.margin > 1e-5) {
        EXPECT_EQ(drawn, expected.id);
    } else {
        EXPECT_TRUE(drawn == expected.id || drawn == expected.before || drawn == expected.after)
            << drawn << " is not " << expected.id << " nor a kept id next to it";
    }
}

} // namespace

void expect_greedy_draws_match_the_argmax(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    std::int32_t token = rig.prompt_.back();
    for (int step = 0; step < 8; ++step) {
        const std::int32_t drawn = rig.draw_after(token, {.temperature = 0.0f}, 0.5f);
        EXPECT_EQ(drawn, argmax(rig.logits_)) << "step " << step;
        // Move the sampling sequence on by the token, as the twin moved.
        ASSERT_TRUE(rig.sampled_->append(std::span(&token, 1), {}).has_value());
        token = drawn;
    }
}

void expect_excluded_ids_never_drawn(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    const std::int32_t last = rig.prompt_.back();
    std::vector<bool> excluded(backend.vocab_size(), false);
    // Exclude the best 50 tokens after the prompt (and the last id): the draw must go below them.
    ASSERT_TRUE(rig.twin_->append(std::span(&last, 1), rig.logits_).has_value());
    std::vector<std::int32_t> order(rig.logits_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::int32_t>(i);
    std::partial_sort(order.begin(), order.begin() + 51, order.end(),
                      [&](auto a, auto b) { return rig.logits_[a] > rig.logits_[b]; });
    for (int i = 0; i < 50; ++i)
        excluded[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = true;
    excluded.back() = true;
    ASSERT_TRUE(rig.sampled_->exclude_from_sampling(excluded).has_value());
    ASSERT_TRUE(rig.twin_->truncate(rig.twin_->length() - 1) == rig.sampled_->length());

    EXPECT_EQ(rig.draw_after(last, {.temperature = 0.0f}, 0.0f, excluded), order[50]);
    for (const float random : {0.0f, 0.25f, 0.5f, 0.999f}) {
        const std::int32_t drawn = rig.draw_after(last, {.temperature = 3.0f}, random);
        ASSERT_GE(drawn, 0);
        EXPECT_FALSE(excluded[static_cast<std::size_t>(drawn)]) << "random " << random;
    }
}

void expect_temperature_draws_match_the_host(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    // The spec's default of 1, and hot enough that the draw spreads over many ids.
    for (const float temperature : {1.0f, 8.0f}) {
        for (const float random : {0.0f, 0.05f, 0.3f, 0.5f, 0.77f, 0.95f, 0.9999f}) {
            SCOPED_TRACE("temperature " + std::to_string(temperature) + ", random " +
                         std::to_string(random));
            const std::int32_t drawn =
                rig.draw_after(rig.prompt_.back(), {.temperature = temperature}, random);
            const auto expected = draw_in_id_order(rig.logits_, temperature, random);
            expect_drawn(drawn, expected);
        }
    }
}

void expect_top_p_and_min_p_draws_match_the_host(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    struct Cut {
        float top_p, min_p;
    };
    // A few ids kept, most of the mass, min-p alone, and both; hot, so many ids have weight.
    for (const Cut cut : {Cut{0.2f, 0.0f}, Cut{0.9f, 0.0f}, Cut{1.0f, 0.3f}, Cut{0.8f, 0.05f}}) {
        for (const float random : {0.0f, 0.3f, 0.77f, 0.9999f}) {
            SCOPED_TRACE("top-p " + std::to_string(cut.top_p) + ", min-p " +
                         std::to_string(cut.min_p) + ", random " + std::to_string(random));
            const SamplingSettings settings{
                .temperature = 4.0f, .top_p = cut.top_p, .min_p = cut.min_p};
            const std::int32_t drawn = rig.draw_after(rig.prompt_.back(), settings, random);
            const auto expected = draw_in_id_order(rig.logits_, 4.0f, random, cut.top_p, cut.min_p);
            expect_drawn(drawn, expected);
        }
    }
}

void expect_only_device_settings_run_there(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    auto& sequence = *rig.sampled_;
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 0.0f, .top_p = 0.5f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 0.7f, .top_k = 1}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f, .top_p = 0.9f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f, .min_p = 0.05f}));
    EXPECT_FALSE(sequence.samples_on_device({.temperature = 1.0f, .top_k = 40}));
    const std::int32_t token = rig.prompt_.front();
    EXPECT_FALSE(sequence.append_and_sample(std::span(&token, 1), {.top_k = 40}, 0.5f));
    EXPECT_EQ(sequence.length(), 0u);
}

} // namespace hearth::test
