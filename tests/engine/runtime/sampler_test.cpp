#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "hearth/sampling.h"

namespace {

using hearth::Sampler;
using hearth::SamplingSettings;

constexpr float minus_infinity = -std::numeric_limits<float>::infinity();

std::map<std::int32_t, int> histogram(const SamplingSettings& settings,
                                      const std::vector<float>& logits, int draws) {
    Sampler sampler(settings);
    std::map<std::int32_t, int> counts;
    for (int i = 0; i < draws; ++i)
        ++counts[sampler.sample(logits)];
    return counts;
}

TEST(Sampler, TemperatureZeroIsGreedyWithTheLowestIdOnTies) {
    Sampler sampler({.temperature = 0});
    EXPECT_EQ(sampler.sample(std::vector<float>{0.5f, 2.0f, 2.0f, -1.0f}), 1);
}

TEST(Sampler, TopKOfOneIsGreedy) {
    Sampler sampler({.temperature = 5, .top_k = 1});
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(sampler.sample(std::vector<float>{0.0f, 0.1f, 3.0f}), 2);
}

TEST(Sampler, FollowsTheSoftmaxAtTheTemperature) {
    const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    const int draws = 20000;
    const auto counts = histogram({.temperature = 1, .seed = 7}, logits, draws);
    EXPECT_NEAR(counts.at(0) / double{draws}, 0.5, 0.015);
    EXPECT_NEAR(counts.at(1) / double{draws}, 0.3, 0.015);
    EXPECT_NEAR(counts.at(2) / double{draws}, 0.2, 0.015);
    // Temperature 2 flattens: p ~ sqrt(p) renormalised.
    const auto flat = histogram({.temperature = 2, .seed = 8}, logits, draws);
    const double z = std::sqrt(0.5) + std::sqrt(0.3) + std::sqrt(0.2);
    EXPECT_NEAR(flat.at(2) / double{draws}, std::sqrt(0.2) / z, 0.015);
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
    const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    const auto counts = histogram({.temperature = 1, .top_p = 0.7f, .seed = 3}, logits, 5000);
    EXPECT_FALSE(counts.contains(2)); // 0.5 + 0.3 >= 0.7 already
    EXPECT_NEAR(counts.at(0) / 5000.0, 0.5 / 0.8, 0.03);
}

TEST(Sampler, MinPDropsTokensFarLessLikelyThanTheBest) {
    const std::vector<float> logits = {std::log(0.6f), std::log(0.35f), std::log(0.05f)};
    const auto counts = histogram({.temperature = 1, .min_p = 0.1f, .seed = 4}, logits, 5000);
    EXPECT_FALSE(counts.contains(2)); // 0.05 < 0.1 * 0.6
    EXPECT_TRUE(counts.contains(1));
}

TEST(Sampler, NegativeInfinityIsNeverSampled) {
    const std::vector<float> logits = {minus_infinity, 0.0f, minus_infinity, 0.0f};
    const auto counts = histogram({.temperature = 1, .seed = 5}, logits, 2000);
    EXPECT_FALSE(counts.contains(0));
    EXPECT_FALSE(counts.contains(2));
}

TEST(Sampler, TheSameSeedGivesTheSameTokens) {
    const std::vector<float> logits = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
    Sampler a({.temperature = 1, .seed = 42}), b({.temperature = 1, .seed = 42});
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(a.sample(logits), b.sample(logits));
}

} // namespace
