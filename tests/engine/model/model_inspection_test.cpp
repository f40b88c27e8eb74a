#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "hearth/model_inspection.h"
#include "tiny_model_writers.h"

namespace {

using hearth::inspect_model;

std::uint64_t bytes_of_type(const hearth::ModelInspection& m, const std::string& type,
                            std::uint64_t* count = nullptr) {
    for (const auto& t : m.by_type) {
        if (t.type == type) {
            if (count) *count = t.tensor_count;
            return t.bytes;
        }
    }
    return 0;
}

// A sparse file with gpt-oss-20b's real tensor table: the numbers come from the spec
// (shared/docs/gpt-oss-model.md sections 1 and 5.2), not from the code under test.
TEST(ModelInspection, RealShaped20bFileMatchesTheSpecsCounts) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("hearth-sparse-20b-" + std::to_string(::getpid()) + ".gguf");
    hearth::test::write_sparse_gguf(path, hearth::test::real_model_shapes("20b"), {});
    auto m = inspect_model(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(m.has_value()) << m.error().message;

    EXPECT_EQ(m->parameter_count, 20'914'757'184u);
    EXPECT_EQ(m->tensor_count, 459u);
    std::uint64_t f32_count = 0, mxfp4_count = 0;
    bytes_of_type(*m, "F32", &f32_count);
    const auto mxfp4_bytes = bytes_of_type(*m, "MXFP4", &mxfp4_count);
    EXPECT_EQ(f32_count, 289u);
    EXPECT_EQ(mxfp4_count, 72u);
    EXPECT_EQ(mxfp4_bytes, 72ull * 141'004'800ull);
    // 12 sliding layers keep 128 positions, 12 full layers keep all; K+V, 512 values, 2 bytes.
    ASSERT_EQ(m->kv_cache.size(), 3u);
    EXPECT_EQ(m->kv_cache[0].context, 4096u);
    EXPECT_EQ(m->kv_cache[0].bytes, (12u * 128 + 12u * 4096) * 2 * 512 * 2);
    EXPECT_EQ(m->kv_cache[2].bytes, (12ull * 128 + 12ull * 131072) * 2 * 512 * 2);
    EXPECT_EQ(m->tokenizer.source, "none");
}

// gpt-oss-120b: 36 layers, 128 experts; the spec gives 116,829,156,672 parameters, 687 tensors,
// and ggml-org's MXFP4 file is 59.02 GiB.
TEST(ModelInspection, RealShaped120bFileIsDescribedCorrectly) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("hearth-sparse-120b-" + std::to_string(::getpid()) + ".gguf");
    hearth::test::write_sparse_gguf(path, hearth::test::real_model_shapes("120b"), {});
    auto m = inspect_model(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(m.has_value()) << m.error().message;
    EXPECT_EQ(m->parameter_count, 116'829'156'672u);
    EXPECT_EQ(m->tensor_count, 687u);
    EXPECT_NEAR(static_cast<double>(m->weight_bytes) / (1ull << 30), 59.02, 0.01);
}

TEST(ModelInspection, HuggingFaceTokenizerIsCountedWithoutBuildingIt) {
    auto m = inspect_model(std::filesystem::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss-hf");
    ASSERT_TRUE(m.has_value()) << m.error().message;
    EXPECT_EQ(m->format, "safetensors");
    EXPECT_EQ(m->tokenizer.source, "tokenizer.json");
    // shared/data/README.md: 199,998 vocabulary entries, 446,189 merges, 21 added tokens.
    EXPECT_EQ(m->tokenizer.token_count, 199'998u + 21u);
    EXPECT_EQ(m->tokenizer.merge_count, 446'189u);
    EXPECT_EQ(m->tokenizer.special_token_count, 21u);
}

TEST(ModelInspection, GgufTokenizerArraysAreSummarised) {
    auto m = inspect_model(std::filesystem::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(m.has_value()) << m.error().message;
    EXPECT_EQ(m->format, "GGUF v3");
    EXPECT_EQ(m->tokenizer.token_count, 201'088u);
    EXPECT_EQ(m->tokenizer.merge_count, 446'189u);
    EXPECT_EQ(m->tokenizer.special_token_count, 21u);
    EXPECT_EQ(m->tokenizer.eos_id, 200002u);
}

} // namespace
