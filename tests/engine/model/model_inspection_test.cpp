#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "hearth/model_inspection.h"
#include "tiny_model_writers.h"

namespace {

using hearth::inspect_model;
namespace fs = std::filesystem;

// A private copy of the tiny Hugging Face folder, deleted with the object.
class HfFolderCopy {
  public:
    HfFolderCopy()
        : path_(fs::temp_directory_path() / ("hearth-hf-copy-" + std::to_string(::getpid()))) {
        fs::copy(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss-hf", path_);
    }
    ~HfFolderCopy() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

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

// ggml-org's file keeps MXFP4 only for the experts; the tiny GGUF stores the rest in four types
// (tiny_gguf_writer.cpp), the tiny checkpoint in BF16 but its final norm in F32
// (tiny_hf_writer.cpp) and its MXFP4 as U8 blocks and scales.
TEST(ModelInspection, TensorTypesAreSummarisedByRole) {
    auto gguf = inspect_model(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(gguf.has_value()) << gguf.error().message;
    EXPECT_EQ(gguf->expert_types, std::vector<std::string>{"MXFP4"});
    EXPECT_EQ(gguf->other_types, (std::vector<std::string>{"BF16", "F16", "F32", "Q8_0"}));
    auto hf = inspect_model(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss-hf");
    ASSERT_TRUE(hf.has_value()) << hf.error().message;
    EXPECT_EQ(hf->expert_types, std::vector<std::string>{"MXFP4"});
    EXPECT_EQ(hf->other_types, (std::vector<std::string>{"BF16", "F32"}));
}

TEST(ModelInspection, TheLicenseIsReadFromGeneralLicense) {
    const hearth::test::TinyModelSpec spec;
    auto builder = hearth::test::tiny_gguf(spec, hearth::test::make_master_weights(spec), {},
                                           hearth::test::GgufExperts::separate);
    builder.add_string("general.license", "apache-2.0");
    const auto path =
        fs::temp_directory_path() / ("hearth-licensed-" + std::to_string(::getpid()) + ".gguf");
    builder.write(path.string());
    auto m = inspect_model(path);
    fs::remove(path);
    ASSERT_TRUE(m.has_value()) << m.error().message;
    EXPECT_EQ(m->license, "apache-2.0");
    auto unstated = inspect_model(fs::path(HEARTH_TINY_MODEL_DIR) / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(unstated.has_value());
    EXPECT_EQ(unstated->license, "");
}

// openai/gpt-oss-20b's README.md begins with this front matter.
TEST(ModelInspection, AFoldersLicenseIsReadFromItsReadmeFrontMatter) {
    const HfFolderCopy folder;
    EXPECT_EQ(inspect_model(folder.path())->license, "");
    std::ofstream(folder.path() / "README.md")
        << "---\r\nlicense: 'apache-2.0'\r\npipeline_tag: text-generation\r\n---\r\n\r\n"
           "license: not-this-one\n";
    EXPECT_EQ(inspect_model(folder.path())->license, "apache-2.0");
    std::ofstream(folder.path() / "README.md") << "# gpt-oss\nlicense: not front matter\n";
    EXPECT_EQ(inspect_model(folder.path())->license, "");
}

} // namespace
