// CPU kernels against the spec's vectors (shared/docs/gpt-oss-model.md section 10) and against
// straightforward scalar code on random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <random>

#include "backend/cpu/ops.h"

namespace {

using namespace hearth::cpu;

TEST(Ops, RmsNormSpecVector) {
    const float x[] = {1, 2, 3, 4}, gain[] = {1, 1, 1, 1};
    float out[4];
    rms_norm(x, gain, 1e-5f, 4, out);
    const float expected[] = {0.365148128f, 0.730296256f, 1.095444385f, 1.460592513f};
    for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(out[i], expected[i], 1e-6f);
}

TEST(Ops, SwigluSpecVectors) {
    EXPECT_NEAR(swiglu(1.0f, 0.5f, 7), 1.268693649f, 1e-6f);
    EXPECT_NEAR(swiglu(20, -20, 7), -41.99971877f, 1e-4f); // gate -> 7, up -> -7
    EXPECT_NEAR(swiglu(-20, 20, 7), -2.6347e-13f, 1e-15f); // no lower clamp on the gate
    EXPECT_NEAR(swiglu(-1, 0, 7), -0.154204234f, 1e-6f);
    EXPECT_NEAR(swiglu(7, 7, 7), 55.99962503f, 1e-4f);
    EXPECT_EQ(swiglu(2, -1, 7), 0.0f);
}

TEST(Ops, RouterSpecVectorSoftmaxOverTheSelectedOnly) {
    const float logits[] = {0.0f, 1.0f, -3.0f, 2.0f, 0.5f, -1.0f};
    ExpertChoice choice[4];
    route(logits, 6, 4, choice);
    const std::uint32_t experts[] = {3, 1, 4, 0};
    const float weights[] = {0.579258530f, 0.213097304f, 0.129250049f, 0.078394117f};
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(choice[k].expert, experts[k]);
        EXPECT_NEAR(choice[k].weight, weights[k], 1e-6f);
    }
}

TEST(Ops, RouterTiesGoToTheLowerExpert) {
    const float logits[] = {1.0f, 2.0f, 2.0f, 1.0f};
    ExpertChoice choice[3];
    route(logits, 4, 3, choice);
    EXPECT_EQ(choice[0].expert, 1u);
    EXPECT_EQ(choice[1].expert, 2u);
    EXPECT_EQ(choice[2].expert, 0u);
}

hearth::model::ModelConfig gpt_oss_20b_rope() {
    hearth::model::ModelConfig c;
    c.head_dim = 64;
    c.rope_theta = 150000;
    c.yarn_factor = 32;
    c.yarn_original_context = 4096;
    c.yarn_beta_fast = 32;
    c.yarn_beta_slow = 1;
    return c;
}

// Each pair's inverse frequency to one part in a million.
void expect_inverse_frequencies(const YarnRope& rope,
                                std::initializer_list<std::pair<int, double>> table) {
    for (const auto& [pair, value] : table) {
        EXPECT_NEAR(rope.inverse_frequencies()[pair], value, value * 1e-6) << "pair " << pair;
    }
}

TEST(Ops, YarnInverseFrequenciesMatchTheSpecTable) {
    const YarnRope rope(gpt_oss_20b_rope());
    expect_inverse_frequencies(rope, {{0, 1.0},
                                      {1, 6.890443059e-01},
                                      {8, 5.081327482e-02},
                                      {9, 3.170569618e-02},
                                      {12, 6.794959490e-03},
                                      {16, 4.564839192e-04},
                                      {17, 1.293187012e-04},
                                      {18, 3.830881237e-05},
                                      {31, 3.023511428e-07}});
    EXPECT_NEAR(rope.concentration(), 1.3465735902799727, 1e-7);
}

// With truncate (a config that asks for Hugging Face's rounding), the range [8.09, 17.40] becomes
// [8, 18]; values from the Hugging Face formula in numpy.
TEST(Ops, YarnWithTruncateRoundsTheCorrectionRangeOutToWholePairs) {
    auto config = gpt_oss_20b_rope();
    config.yarn_truncate = true;
    expect_inverse_frequencies(YarnRope(config), {{0, 1.0},
                                                  {8, 5.081327482e-02},
                                                  {9, 3.162075228e-02},
                                                  {12, 7.015713911e-03},
                                                  {17, 2.279477958e-04},
                                                  {18, 3.830881237e-05}});
}

TEST(Ops, RopeRotatesHalfSplitPairsWithTheConcentration) {
    const YarnRope rope(gpt_oss_20b_rope());
    // A unit vector in dim 0 (pair 0's first half) at position 1 becomes (c cos 1, c sin 1) in
    // dims 0 and 32: spec section 10.2 gives (0.727556816, 1.133102605).
    std::vector<float> head(64, 0.0f);
    head[0] = 1.0f;
    rope.apply(head.data(), 1);
    EXPECT_NEAR(head[0], 0.727556816f, 1e-6f);
    EXPECT_NEAR(head[32], 1.133102605f, 1e-6f);
    // Pair 2 at position 1: (1.197632283, 0.615578872).
    std::fill(head.begin(), head.end(), 0.0f);
    head[2] = 1.0f;
    rope.apply(head.data(), 1);
    EXPECT_NEAR(head[2], 1.197632283f, 1e-6f);
    EXPECT_NEAR(head[34], 0.615578872f, 1e-6f);
}

} // namespace
