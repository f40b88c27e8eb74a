// The CPU backend against the independent float64 reference (tests/fixtures/reference), on the
// tiny fixture model in all its file forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "forward/forward_goldens.h"

namespace {

using namespace hearth::test;

std::unique_ptr<hearth::Backend> cpu_backend_for(const std::string& fixture) {
    auto backend = hearth::cpu::create_cpu_backend(tiny_model_files(fixture), {.threads = 2});
    EXPECT_TRUE(backend.has_value());
    return std::move(*backend);
}

class CpuForwardGolden : public testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { backend_ = cpu_backend_for(GetParam()); }
    std::unique_ptr<hearth::Backend> backend_;
};

TEST_P(CpuForwardGolden, LastPositionLogitsMatchTheReferenceToOneIn10000) {
    expect_logits_match_reference(*backend_);
}

TEST_P(CpuForwardGolden, SixtyFourGreedyTokensMatchTheReference) {
    expect_greedy_tokens_match_reference(*backend_);
}

INSTANTIATE_TEST_SUITE_P(TinyModel, CpuForwardGolden, testing::ValuesIn(tiny_model_names()),
                         [](const auto& param) { return parameter_name(param.param); });

// Prefill in one call and token by token must agree: the batched and single-token paths.
TEST(CpuForward, PrefillAndTokenByTokenGiveTheSameLogits) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    const auto ids = golden_prompt_ids("forty_tokens");
    std::vector<float> batched(backend->vocab_size()), stepped(backend->vocab_size());
    auto a = backend->create_context(64);
    ASSERT_TRUE((*a)->append(ids, batched).has_value());
    auto b = backend->create_context(64);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        ASSERT_TRUE((*b)->append(std::span(ids).subspan(i, 1), stepped).has_value());
    }
    float worst = 0;
    for (std::size_t i = 0; i < batched.size(); ++i)
        worst = std::max(worst, std::abs(batched[i] - stepped[i]));
    EXPECT_LT(worst, 1e-3f);
}

TEST(CpuForward, TruncatingAndAppendingAgainReproducesTheLogits) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    expect_truncate_and_append_reproduce_logits(*backend);
}

TEST(CpuForward, ASecondRewindRespectsWhatTheRingsOverwrote) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    ASSERT_TRUE(backend);
    expect_a_second_rewind_respects_the_rings(*backend, "tiny-gpt-oss.gguf");
}

TEST(CpuForward, ARewindPointOutlivesTheRings) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    ASSERT_TRUE(backend);
    expect_a_rewind_point_outlives_the_rings(*backend, "tiny-gpt-oss.gguf");
}

// The CPU does not time its kernels, and says so before anyone fills a context to profile it.
TEST(CpuForward, SaysItDoesNotTimeKernelsAndRefusesToProfile) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    auto sequence = backend->create_context(8);
    ASSERT_TRUE(sequence.has_value());
    EXPECT_FALSE((*sequence)->times_kernels());
    EXPECT_FALSE((*sequence)->profile_step(1).has_value());
    EXPECT_FALSE((*sequence)->profile_batch(std::vector<std::int32_t>(2, 1)).has_value());
}

TEST(CpuForward, OutOfVocabularyIdsAndOverflowAreErrors) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    expect_bad_tokens_and_overflow_are_errors(*backend);
}

} // namespace
