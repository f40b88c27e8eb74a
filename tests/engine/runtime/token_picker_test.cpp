// TokenPicker: what a damaged model's NaN logits lead to on the host, and the random numbers it
// gives a device that draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "hearth/token_picker.h"

namespace {

using namespace hearth;

constexpr float nan = std::numeric_limits<float>::quiet_NaN();

// A sequence whose every step gives the same logits, for the host to sample.
class FixedLogits final : public Sequence {
  public:
    explicit FixedLogits(std::vector<float> logits) : logits_(std::move(logits)) {}
    std::uint32_t length() const override { return length_; }
    std::uint32_t capacity() const override { return 1000; }
    Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) override {
        length_ += static_cast<std::uint32_t>(tokens.size());
        std::copy(logits_.begin(), logits_.end(), logits.begin());
        return {};
    }
    std::uint32_t truncate(std::uint32_t keep) override {
        return length_ = std::min(keep, length_);
    }

  private:
    std::vector<float> logits_;
    std::uint32_t length_ = 0;
};

// A sequence that draws on the device and notes the random numbers each draw is given.
class DeviceDraws final : public Sequence {
  public:
    std::uint32_t length() const override { return 0; }
    std::uint32_t capacity() const override { return 1000; }
    Result<void> append(std::span<const std::int32_t>, std::span<float>) override { return {}; }
    std::uint32_t truncate(std::uint32_t) override { return 0; }
    bool samples_on_device(const SamplingSettings&) const override { return true; }
    Result<std::int32_t> append_and_sample(std::span<const std::int32_t>, const SamplingSettings&,
                                           float random, std::optional<float> next) override {
        given.push_back({random, next});
        return 1;
    }
    std::vector<std::pair<float, std::optional<float>>> given;
};

const std::int32_t token[] = {7};

TEST(TokenPicker, EachDeviceDrawIsGivenTheRandomNumberTheOneBeforeItStepsAheadWith) {
    DeviceDraws sequence;
    const std::vector<bool> none;
    TokenPicker picker(sequence, 4, {.temperature = 1, .seed = 5}, none);
    ASSERT_TRUE(picker.on_device());
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(picker.run(token).has_value());
    std::set<float> seen;
    for (std::size_t i = 0; i < sequence.given.size(); ++i) {
        const auto [random, next] = sequence.given[i];
        ASSERT_TRUE(next.has_value());
        EXPECT_TRUE(random >= 0 && random < 1 && *next >= 0 && *next < 1);
        if (i > 0) {
            EXPECT_EQ(random, *sequence.given[i - 1].second) << i;
        }
        seen.insert(random);
    }
    EXPECT_EQ(seen.size(), sequence.given.size()) << "the draws repeat a random number";
}

TEST(TokenPicker, NaNLogitsAreNeverDrawn) {
    FixedLogits sequence({nan, 1.0f, nan, 0.5f});
    const std::vector<bool> none;
    TokenPicker greedy(sequence, 4, {.temperature = 0}, none);
    EXPECT_EQ(greedy.run(token), 1); // a NaN first once made the greedy pick token 0
    TokenPicker sampled(sequence, 4, {.temperature = 1, .seed = 3}, none);
    std::set<std::int32_t> drawn;
    for (int i = 0; i < 200; ++i) {
        auto picked = sampled.run(token);
        ASSERT_TRUE(picked.has_value()) << picked.error().message;
        drawn.insert(*picked);
    }
    EXPECT_EQ(drawn, (std::set<std::int32_t>{1, 3}));
}

TEST(TokenPicker, NoDrawableTokenIsAnErrorRatherThanTokenZero) {
    const std::vector<bool> none, first_only = {true, false, false};
    for (const float temperature : {0.0f, 1.0f}) {
        SCOPED_TRACE(temperature);
        FixedLogits nans({nan, nan, nan});
        auto picked = TokenPicker(nans, 3, {.temperature = temperature}, none).run(token);
        ASSERT_FALSE(picked.has_value());
        EXPECT_EQ(picked.error().message, nothing_to_draw_message);
        // The one number is excluded, the rest are NaN and -infinity.
        FixedLogits excluded({2.0f, nan, -std::numeric_limits<float>::infinity()});
        picked = TokenPicker(excluded, 3, {.temperature = temperature}, first_only).run(token);
        ASSERT_FALSE(picked.has_value());
        EXPECT_EQ(picked.error().message, nothing_to_draw_message);
    }
}

} // namespace
