// The CPU backend against the independent float64 reference (tests/fixtures/reference), on the
// tiny fixture model in both file forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/cpu/cpu_backend.h"
#include "model/model_files.h"

namespace {

using nlohmann::json;

const json& goldens() {
    static const json value = [] {
        std::ifstream in(HEARTH_REFERENCE_GOLDENS);
        return json::parse(in);
    }();
    return value;
}

std::unique_ptr<hearth::Backend> cpu_backend_for(const std::string& file) {
    auto files =
        hearth::model::open_model_files(std::filesystem::path(HEARTH_TINY_MODEL_DIR) / file);
    EXPECT_TRUE(files.has_value()) << files.error().message;
    auto shared = std::make_shared<const hearth::model::ModelFiles>(std::move(*files));
    auto backend = hearth::cpu::create_cpu_backend(shared, {.threads = 2});
    EXPECT_TRUE(backend.has_value());
    return std::move(*backend);
}

std::vector<std::int32_t> ids_of(const json& prompt) {
    return prompt.at("ids").get<std::vector<std::int32_t>>();
}

std::int32_t argmax(const std::vector<float>& logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// A fresh sequence that has run `ids`, and the logits of the last one.
struct Ran {
    std::unique_ptr<hearth::Sequence> sequence;
    std::vector<float> logits;
};

Ran run_prompt(hearth::Backend& backend, const std::vector<std::int32_t>& ids) {
    Ran ran;
    auto context = backend.create_context(512);
    EXPECT_TRUE(context.has_value());
    ran.sequence = std::move(*context);
    ran.logits.resize(backend.vocab_size());
    EXPECT_TRUE(ran.sequence->append(ids, ran.logits).has_value());
    return ran;
}

class CpuForwardGolden : public testing::TestWithParam<std::string> {
  protected:
    void SetUp() override { backend_ = cpu_backend_for(GetParam()); }
    std::unique_ptr<hearth::Backend> backend_;
};

TEST_P(CpuForwardGolden, LastPositionLogitsMatchTheReferenceToOneIn10000) {
    for (const auto& [name, prompt] : goldens().at("prompts").items()) {
        SCOPED_TRACE(name);
        const auto logits = run_prompt(*backend_, ids_of(prompt)).logits;
        const auto& top = prompt.at("top");
        double largest = 0;
        for (const auto& entry : top)
            largest = std::max(largest, std::abs(entry[1].get<double>()));
        const double tolerance = 1e-4 * largest;
        double worst = 0;
        for (const auto& entry : top) {
            const double expected = entry[1].get<double>();
            const double actual = logits[entry[0].get<std::size_t>()];
            worst = std::max(worst, std::abs(actual - expected));
        }
        EXPECT_LE(worst, tolerance) << "largest error over the top " << top.size() << " logits";
        std::printf("%s: largest |error| %.3g over the top logits (tolerance %.3g)\n", name.c_str(),
                    worst, tolerance);
        EXPECT_EQ(argmax(logits), prompt.at("argmax").get<std::int32_t>());
        // All 201088 logits at once: their sum and sum of squares.
        double sum = 0, sum_squares = 0;
        for (float v : logits) {
            sum += v;
            sum_squares += static_cast<double>(v) * v;
        }
        const double spread = std::sqrt(prompt.at("sum_sq").get<double>());
        EXPECT_NEAR(sum, prompt.at("sum").get<double>(), 1e-4 * spread * std::sqrt(logits.size()));
        EXPECT_NEAR(sum_squares, prompt.at("sum_sq").get<double>(),
                    1e-4 * prompt.at("sum_sq").get<double>());
    }
}

TEST_P(CpuForwardGolden, SixtyFourGreedyTokensMatchTheReference) {
    for (const auto& [name, prompt] : goldens().at("prompts").items()) {
        SCOPED_TRACE(name);
        auto [sequence, logits] = run_prompt(*backend_, ids_of(prompt));
        std::vector<std::int32_t> generated;
        const auto expected = prompt.at("greedy").get<std::vector<std::int32_t>>();
        while (generated.size() < expected.size()) {
            generated.push_back(argmax(logits));
            ASSERT_TRUE(sequence->append(std::span(&generated.back(), 1), logits).has_value());
        }
        EXPECT_EQ(generated, expected);
    }
}

INSTANTIATE_TEST_SUITE_P(TinyModel, CpuForwardGolden,
                         testing::Values("tiny-gpt-oss.gguf", "tiny-gpt-oss-hf",
                                         "tiny-gpt-oss-fused.gguf"),
                         [](const testing::TestParamInfo<std::string>& param) {
                             std::string name = param.param;
                             std::replace_if(
                                 name.begin(), name.end(), [](char c) { return !std::isalnum(c); },
                                 '_');
                             return name;
                         });

// Prefill in one call and token by token must agree: the batched and single-token paths.
TEST(CpuForward, PrefillAndTokenByTokenGiveTheSameLogits) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    const auto ids = ids_of(goldens().at("prompts").at("forty_tokens"));
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
    const auto ids = ids_of(goldens().at("prompts").at("forty_tokens"));
    std::vector<float> first(backend->vocab_size()), again(backend->vocab_size());
    auto context = backend->create_context(64);
    ASSERT_TRUE((*context)->append(ids, first).has_value());
    const std::uint32_t kept = (*context)->truncate(30);
    EXPECT_EQ(kept, 30u);
    ASSERT_TRUE((*context)->append(std::span(ids).subspan(kept), again).has_value());
    EXPECT_EQ(first, again);
}

TEST(CpuForward, OutOfVocabularyIdsAndOverflowAreErrors) {
    auto backend = cpu_backend_for("tiny-gpt-oss.gguf");
    auto context = backend->create_context(4);
    std::vector<float> logits(backend->vocab_size());
    const std::int32_t bad[] = {300000};
    EXPECT_FALSE((*context)->append(bad, logits).has_value());
    const std::int32_t five[] = {1, 2, 3, 4, 5};
    auto overflow = (*context)->append(five, logits);
    ASSERT_FALSE(overflow.has_value());
    EXPECT_NE(overflow.error().message.find("no longer fits"), std::string::npos);
}

} // namespace
