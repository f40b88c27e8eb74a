// The settings' KV cache figure: the model's shape from `inspect`'s hyperparameters, counted as
// the backend keeps its cache.
#include <gtest/gtest.h>

#include "kv_cache_size.h"

namespace {

using hearth::kv_cache_bytes;
using hearth::KvCacheShape;

// gpt-oss-20b: 24 layers alternating sliding (window 128) and full, 8 KV heads of 64 values.
constexpr KvCacheShape gpt_oss_20b{
    .layers = 24, .kv_heads = 8, .head_dim = 64, .sliding_window = 128};

TEST(KvCacheSize, FullLayersHoldEveryPositionSlidingLayersTheirWindow) {
    // 12 full layers x 8192 positions + 12 sliding x 128, x 2 (K, V) x 8 x 64 x 4 bytes.
    const std::uint64_t expected = (12ull * 8192 + 12ull * 128) * 2 * 8 * 64 * 4;
    EXPECT_EQ(kv_cache_bytes(gpt_oss_20b, 8192, hearth::FitOptions{}), expected);
    EXPECT_EQ(expected, 408'944'640ull); // about 390 MiB
}

TEST(KvCacheSize, BelowTheWindowEveryLayerHoldsEveryPosition) {
    EXPECT_EQ(kv_cache_bytes(gpt_oss_20b, 100, hearth::FitOptions{}), 24ull * 100 * 2 * 8 * 64 * 4);
    EXPECT_EQ(kv_cache_bytes(gpt_oss_20b, 0, hearth::FitOptions{}), 0u);
}

TEST(KvCacheSize, TheGpuBackendsKeepF16AndTheirRewindSlack) {
    // 12 full layers x 8192 + 12 sliding x (128 + 1024), x 2 x 8 x 64 x 2 bytes.
    const std::uint64_t expected = (12ull * 8192 + 12ull * (128 + 1024)) * 2 * 8 * 64 * 2;
    EXPECT_EQ(kv_cache_bytes(gpt_oss_20b, 8192, hearth::gpu_fit_options()), expected);
}

TEST(KvCacheSize, TheShapeComesFromTheInspectedHyperparameters) {
    hearth::ModelInspection inspection;
    inspection.hyperparameters = {{"layers", 24},
                                  {"hidden_size", 2880},
                                  {"kv_heads", 8},
                                  {"head_dim", 64},
                                  {"sliding_window", 128}};
    const auto shape = hearth::app::kv_cache_shape(inspection);
    ASSERT_TRUE(shape);
    EXPECT_EQ(shape->layers, 24u);
    EXPECT_EQ(shape->kv_heads, 8u);
    EXPECT_EQ(shape->head_dim, 64u);
    EXPECT_EQ(shape->sliding_window, 128u);
    inspection.hyperparameters.pop_back();
    EXPECT_FALSE(hearth::app::kv_cache_shape(inspection));
}

} // namespace
