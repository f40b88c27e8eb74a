// Grouped-query attention on the CPU against the spec's sink vector and a straightforward
// double-precision softmax (shared/docs/gpt-oss-model.md section 3.3), on every kernel tier.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "backend/cpu/grouped_attention.h"
#include "backend/cpu/row_kernels.h"
#include "kernel_tiers.h"

namespace {

using namespace hearth::cpu;

// Runs a test body on one kernel tier, then puts the best one back.
class TierInUse {
  public:
    explicit TierInUse(KernelTier tier) : previous_(active_kernel_tier()) { use_kernel_tier(tier); }
    ~TierInUse() { use_kernel_tier(previous_); }

  private:
    KernelTier previous_;
};

TEST(GroupedAttention, SinkTakesProbabilityMassButHasNoValue) {
    // Spec: scaled logits [1, 0] and sink 0.5 give key weights [0.506480391, 0.186323724].
    const float q[] = {1, 0}, keys[] = {1, 0, 0, 0}, values[] = {1, 0, 0, 1}, sink = 0.5f;
    const GroupedAttention attention(1, 2, 1.0f);
    float out[2];
    attention.attend(q, {keys, values, 2, 2}, 0, 1, &sink, out);
    EXPECT_NEAR(out[0], 0.506480391f, 1e-6f);
    EXPECT_NEAR(out[1], 0.186323724f, 1e-6f);
}

// A ring of cached positions for several KV heads interleaved as [slot][kv_head][head_dim] (so
// rows are spaced apart), filled with random values.
struct RandomCache {
    RandomCache(std::uint32_t positions, std::uint32_t kv_heads, std::uint32_t head_dim,
                std::mt19937& rng)
        : capacity(positions), stride(std::size_t{kv_heads} * head_dim), keys(capacity * stride),
          values(capacity * stride) {
        std::normal_distribution<float> normal;
        for (auto* v : {&keys, &values}) {
            for (float& x : *v)
                x = normal(rng);
        }
    }
    KeyValueRing head(std::uint32_t kv_head, std::uint32_t head_dim) const {
        const std::size_t offset = std::size_t{kv_head} * head_dim;
        return {keys.data() + offset, values.data() + offset, capacity, stride};
    }

    std::uint32_t capacity;
    std::size_t stride;
    std::vector<float> keys, values;
};

// Each query head of the group over positions first..last, in doubles.
std::vector<double> plain_softmax_attention(const std::vector<float>& q, const KeyValueRing& ring,
                                            std::uint32_t first, std::uint32_t last,
                                            const std::vector<float>& sinks, float scale,
                                            std::uint32_t head_dim) {
    const std::size_t group = sinks.size();
    std::vector<double> out(group * head_dim, 0.0);
    for (std::size_t g = 0; g < group; ++g) {
        std::vector<double> z;
        for (std::uint32_t u = first; u <= last; ++u) {
            const float* key = ring.keys + (u % ring.capacity) * ring.row_stride;
            double dot = 0;
            for (std::uint32_t i = 0; i < head_dim; ++i)
                dot += double{q[g * head_dim + i]} * key[i];
            z.push_back(dot * scale);
        }
        double denominator = std::exp(double{sinks[g]});
        for (double v : z)
            denominator += std::exp(v);
        for (std::uint32_t u = first; u <= last; ++u) {
            const float* value = ring.values + (u % ring.capacity) * ring.row_stride;
            const double weight = std::exp(z[u - first]) / denominator;
            for (std::uint32_t i = 0; i < head_dim; ++i)
                out[g * head_dim + i] += weight * value[i];
        }
    }
    return out;
}

struct AttentionCase {
    std::uint32_t group, head_dim, capacity, first, last;
};

// Groups that are and are not a multiple of the kernels' four queries, head sizes that are and
// are not a multiple of their vector widths, one span and several, and rings that wrap mid-span.
const AttentionCase cases[] = {
    {8, 64, 4096, 0, 0},       // a single position
    {8, 64, 4096, 0, 700},     // three spans, no wrap
    {8, 64, 300, 500, 780},    // a sliding window over a ring that wraps inside a span
    {3, 20, 1000, 1200, 1900}, // a ragged group and head
    {1, 7, 50, 60, 99},
};

TEST(GroupedAttention, MatchesAPlainSoftmaxPerHeadOnEveryTier) {
    std::mt19937 rng(21);
    std::normal_distribution<float> normal;
    for (const auto& test : cases) {
        const std::uint32_t kv_heads = 2;
        const RandomCache cache(test.capacity, kv_heads, test.head_dim, rng);
        std::vector<float> q(test.group * test.head_dim), sinks(test.group);
        for (float& x : q)
            x = normal(rng);
        for (float& x : sinks)
            x = normal(rng);
        const float scale = 1.0f / std::sqrt(static_cast<float>(test.head_dim));
        const KeyValueRing ring = cache.head(1, test.head_dim);
        const auto expected =
            plain_softmax_attention(q, ring, test.first, test.last, sinks, scale, test.head_dim);
        for (const KernelTier tier : hearth::test::supported_kernel_tiers()) {
            const TierInUse in_use(tier);
            const GroupedAttention attention(test.group, test.head_dim, scale);
            std::vector<float> out(q.size());
            attention.attend(q.data(), ring, test.first, test.last, sinks.data(), out.data());
            for (std::size_t i = 0; i < out.size(); ++i) {
                ASSERT_NEAR(out[i], expected[i], 1e-5)
                    << kernel_tier_name(tier) << " group " << test.group << " positions "
                    << test.first << ".." << test.last << " output " << i;
            }
        }
    }
}

// Spans computed apart (as a decode spreads them over threads) and merged give the very floats
// that one thread computing them in turn gives.
TEST(GroupedAttention, SpansMergedLaterGiveTheSameFloatsAsOneThread) {
    std::mt19937 rng(22);
    std::normal_distribution<float> normal;
    const AttentionCase test{8, 64, 2048, 100, 1500};
    const RandomCache cache(test.capacity, 1, test.head_dim, rng);
    std::vector<float> q(test.group * test.head_dim), sinks(test.group);
    for (auto* v : {&q, &sinks}) {
        for (float& x : *v)
            x = normal(rng);
    }
    const GroupedAttention attention(test.group, test.head_dim, 0.125f);
    const KeyValueRing ring = cache.head(0, test.head_dim);
    const std::uint32_t spans = GroupedAttention::span_count(test.first, test.last);
    ASSERT_EQ(spans, 6u);
    std::vector<float> partials(spans * attention.partial_size());
    for (std::uint32_t span = spans; span-- > 0;) { // in any order
        attention.attend_span(q.data(), ring, test.first, test.last, span,
                              partials.data() + span * attention.partial_size());
    }
    std::vector<float> merged(q.size()), in_turn(q.size());
    attention.combine(sinks.data(), partials.data(), spans, merged.data());
    attention.attend(q.data(), ring, test.first, test.last, sinks.data(), in_turn.data());
    EXPECT_EQ(merged, in_turn);
}

} // namespace
