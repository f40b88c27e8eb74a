#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

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

// The mass is reached at id 1 (0.4 + 0.2 of 1): ids 2 and 3, tied with it, are kept too, as the
// GPU samplers keep every logit at or above the cut.
TEST(Sampler, TopPKeepsEveryTokenTiedWithTheLastOneKept) {
    const std::vector<float> logits = {std::log(0.4f), std::log(0.2f), std::log(0.2f),
                                       std::log(0.2f)};
    const int draws = 8000;
    const auto counts = histogram({.temperature = 1, .top_p = 0.5f, .seed = 9}, logits, draws);
    for (std::int32_t id = 1; id < 4; ++id) {
        ASSERT_TRUE(counts.contains(id)) << id;
        EXPECT_NEAR(counts.at(id) / double{draws}, 0.2, 0.02) << id;
    }
}

TEST(Sampler, AMinPAboveOneKeepsOnlyTheMostLikelyToken) {
    Sampler sampler({.temperature = 1, .min_p = 1.5f, .seed = 10});
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(sampler.sample(std::vector<float>{0.0f, 1.0f, 0.5f}), 1);
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

// A vocabulary-sized list (the sampler sorts only what top-p can keep): every draw comes from
// the smallest set of most likely tokens reaching top_p, found here by sorting everything.
TEST(Sampler, TopPOnAWholeVocabularyDrawsOnlyFromTheSmallestSetReachingP) {
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 2.5f);
    std::vector<float> logits(20000);
    for (float& l : logits)
        l = normal(rng);
    for (const float top_p : {0.3f, 0.9f}) {
        SCOPED_TRACE(top_p);
        std::vector<std::pair<float, std::int32_t>> sorted;
        for (std::size_t i = 0; i < logits.size(); ++i)
            sorted.emplace_back(logits[i], static_cast<std::int32_t>(i));
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        double total = 0;
        for (const auto& [logit, id] : sorted)
            total += std::exp(double{logit} - sorted[0].first);
        std::set<std::int32_t> kept;
        double mass = 0;
        for (const auto& [logit, id] : sorted) {
            kept.insert(id);
            mass += std::exp(double{logit} - sorted[0].first);
            if (mass >= top_p * total) break;
        }
        const int draws = 1500;
        const auto counts =
            histogram({.temperature = 1, .top_p = top_p, .seed = 12}, logits, draws);
        for (const auto& [id, count] : counts)
            EXPECT_TRUE(kept.contains(id)) << id << " is outside the top-p set";
        // Its most likely token is drawn about as often as its share of the set's mass.
        const double best_share = 1.0 / mass;
        const int best = counts.contains(sorted[0].second) ? counts.at(sorted[0].second) : 0;
        EXPECT_NEAR(best / double{draws}, best_share, 0.03 + best_share * 0.25);
    }
}

// Without top-p or top-k every token can be drawn, as often as the softmax says.
TEST(Sampler, AWholeVocabularyWithoutLimitsFollowsTheSoftmax) {
    // 20000 tokens at logit -4, one with as much mass as all of them, one with a third of that.
    std::vector<float> logits(20000, -4.0f);
    const double crowd = 19998 * std::exp(-4.0);
    logits[7] = static_cast<float>(std::log(crowd));
    logits[19999] = static_cast<float>(std::log(crowd / 3));
    const int draws = 3000;
    const auto counts = histogram({.temperature = 1, .seed = 13}, logits, draws);
    const double z = crowd + crowd + crowd / 3;
    EXPECT_NEAR(counts.at(7) / double{draws}, crowd / z, 0.03);
    EXPECT_NEAR(counts.at(19999) / double{draws}, crowd / 3 / z, 0.03);
    EXPECT_GT(counts.size(), 500u) << "the many unlikely tokens are drawn too";
}

} // namespace
