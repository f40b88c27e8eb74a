#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "format/gguf_file.h"
#include "model/decode.h"
#include "model/model_config.h"
#include "model/model_files.h"
#include "model/weight_table.h"
#include "tiny_model_writers.h"

namespace {

using namespace hearth;
using hearth::test::GgufExperts;
using hearth::test::TinyModelSpec;

const std::filesystem::path fixtures = HEARTH_TINY_MODEL_DIR;

void expect_same_values(const model::WeightRef& a, const model::WeightRef& b) {
    ASSERT_EQ(a.stack * a.rows * a.cols, b.stack * b.rows * b.cols) << a.name << " vs " << b.name;
    EXPECT_EQ(model::decode_all(a), model::decode_all(b)) << a.name << " vs " << b.name;
}

// Decodes logical row j of a projection (gate/up may be split, interleaved or concatenated).
std::vector<float> projection_rows(const model::Projection& p, std::uint64_t rows) {
    std::vector<float> values;
    for (std::uint64_t s = 0; s < p.matrix.stack; ++s) {
        for (std::uint64_t j = 0; j < rows; ++j) {
            std::vector<float> row(p.matrix.cols);
            model::decode_projection_row(p, s, j, row);
            values.insert(values.end(), row.begin(), row.end());
            values.push_back(model::decode_projection_bias(p, s, j));
        }
    }
    return values;
}

void expect_same_model(const model::ModelFiles& a, const model::ModelFiles& b) {
    const auto& c = a.config;
    expect_same_values(a.weights.embedding, b.weights.embedding);
    expect_same_values(a.weights.unembedding, b.weights.unembedding);
    expect_same_values(a.weights.final_norm, b.weights.final_norm);
    ASSERT_EQ(a.weights.layers.size(), b.weights.layers.size());
    for (std::size_t i = 0; i < a.weights.layers.size(); ++i) {
        SCOPED_TRACE("layer " + std::to_string(i));
        const auto& x = a.weights.layers[i];
        const auto& y = b.weights.layers[i];
        expect_same_values(x.attn_norm, y.attn_norm);
        expect_same_values(x.mlp_norm, y.mlp_norm);
        expect_same_values(x.sinks, y.sinks);
        EXPECT_EQ(projection_rows(x.q, c.q_size()), projection_rows(y.q, c.q_size()));
        EXPECT_EQ(projection_rows(x.k, c.kv_size()), projection_rows(y.k, c.kv_size()));
        EXPECT_EQ(projection_rows(x.v, c.kv_size()), projection_rows(y.v, c.kv_size()));
        EXPECT_EQ(projection_rows(x.out, c.hidden_size), projection_rows(y.out, c.hidden_size));
        EXPECT_EQ(projection_rows(x.router, c.expert_count),
                  projection_rows(y.router, c.expert_count));
        const auto I = c.expert_hidden_size;
        EXPECT_EQ(projection_rows(x.experts.gate, I), projection_rows(y.experts.gate, I));
        EXPECT_EQ(projection_rows(x.experts.up, I), projection_rows(y.experts.up, I));
        EXPECT_EQ(projection_rows(x.experts.down, c.hidden_size),
                  projection_rows(y.experts.down, c.hidden_size));
    }
}

TEST(ModelFiles, TinyGgufAndHuggingFaceFolderLoadWithTheSameHyperparameters) {
    auto gguf = model::open_model_files(fixtures / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(gguf.has_value()) << gguf.error().message;
    auto hf = model::open_model_files(fixtures / "tiny-gpt-oss-hf");
    ASSERT_TRUE(hf.has_value()) << hf.error().message;
    const TinyModelSpec spec;
    for (const auto* files : {&*gguf, &*hf}) {
        const auto& c = files->config;
        EXPECT_EQ(c.layer_count, spec.layers);
        EXPECT_EQ(c.hidden_size, spec.hidden);
        EXPECT_EQ(c.head_count, spec.heads);
        EXPECT_EQ(c.kv_head_count, spec.kv_heads);
        EXPECT_EQ(c.head_dim, spec.head_dim);
        EXPECT_EQ(c.expert_count, spec.experts);
        EXPECT_EQ(c.experts_per_token, spec.experts_per_token);
        EXPECT_EQ(c.expert_hidden_size, spec.expert_hidden);
        EXPECT_EQ(c.vocab_size, spec.vocab);
        EXPECT_EQ(c.sliding_window, spec.sliding_window);
        EXPECT_EQ(c.rope_theta, spec.rope_theta);
        EXPECT_EQ(c.yarn_factor, spec.yarn_factor);
        EXPECT_EQ(c.yarn_original_context, spec.yarn_original_context);
    }
    EXPECT_EQ(gguf->weights.layers[0].experts.layout, model::GateUpLayout::separate);
    EXPECT_EQ(hf->weights.layers[0].experts.layout, model::GateUpLayout::interleaved);
}

TEST(ModelFiles, GgufAndHuggingFaceWeightsDecodeIdenticallyTensorByTensor) {
    auto gguf = model::open_model_files(fixtures / "tiny-gpt-oss.gguf");
    auto hf = model::open_model_files(fixtures / "tiny-gpt-oss-hf");
    ASSERT_TRUE(gguf && hf);
    expect_same_model(*gguf, *hf);
}

TEST(ModelFiles, FusedGateUpGgufDecodesLikeTheSeparateOne) {
    auto fused = model::open_model_files(fixtures / "tiny-gpt-oss-fused.gguf");
    ASSERT_TRUE(fused.has_value()) << fused.error().message;
    EXPECT_EQ(fused->weights.layers[0].experts.layout, model::GateUpLayout::concatenated);
    auto separate = model::open_model_files(fixtures / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(separate.has_value());
    expect_same_model(*fused, *separate);
}

TEST(ModelFiles, TheMasterWeightsAreWhatTheFilesDecodeTo) {
    // Independent of both readers: values computed from the generator's own integers.
    const TinyModelSpec spec;
    const auto master = test::make_master_weights(spec);
    auto gguf = model::open_model_files(fixtures / "tiny-gpt-oss.gguf");
    ASSERT_TRUE(gguf.has_value());
    std::vector<float> row(spec.hidden);
    model::decode_row(gguf->weights.embedding, 0, 200002, row);
    for (std::uint32_t i = 0; i < spec.hidden; ++i) {
        EXPECT_EQ(row[i], master.embedding.value(200002ull * spec.hidden + i));
    }
    // Expert 3, gate row 5 = checkpoint row 10 of gate_up; element 7 of block 0.
    const auto& gate = gguf->weights.layers[1].experts.gate;
    model::decode_projection_row(gate, 3, 5, row);
    const auto& gu = master.layers[1].gate_up;
    const std::uint64_t element = (3 * gu.rows + 10) * gu.cols + 7;
    constexpr float e2m1[16] = {0, .5f, 1, 1.5f, 2, 3, 4, 6, -0.f, -.5f, -1, -1.5f, -2, -3, -4, -6};
    const float expected = std::ldexp(e2m1[gu.codes[element]], gu.scales[element / 32] - 127);
    EXPECT_EQ(row[7], expected);
}

// Broken variants of a small model (vocab 512, no tokenizer), built in memory.
class BrokenGguf : public testing::Test {
  protected:
    BrokenGguf() {
        spec_.vocab = 512;
        spec_.layers = 2;
        builder_ =
            test::tiny_gguf(spec_, test::make_master_weights(spec_), {}, GgufExperts::separate);
    }
    std::string load_error() {
        const auto bytes = builder_.build();
        auto file = format::GgufFile::parse(bytes, "broken.gguf");
        if (!file) return file.error().message;
        auto config = model::config_from_gguf(*file);
        if (!config) return config.error().message;
        auto weights = model::weights_from_gguf(*file, *config);
        return weights ? "(loaded)" : weights.error().message;
    }
    TinyModelSpec spec_;
    test::GgufBuilder builder_;
};

TEST_F(BrokenGguf, TheUnbrokenVariantLoads) { EXPECT_EQ(load_error(), "(loaded)"); }

TEST_F(BrokenGguf, AMissingTensorIsNamed) {
    ASSERT_TRUE(builder_.remove_tensor("blk.1.attn_sinks.weight"));
    EXPECT_EQ(load_error(), "broken.gguf: tensor blk.1.attn_sinks.weight is missing");
}

TEST_F(BrokenGguf, AWrongShapeNamesBothShapes) {
    ASSERT_TRUE(builder_.set_tensor_shape("blk.0.attn_k.bias", {16}));
    EXPECT_EQ(load_error(), "broken.gguf: tensor blk.0.attn_k.bias has shape {16}, expected {32}");
}

TEST_F(BrokenGguf, ANormMayNotBeQuantized) {
    ASSERT_TRUE(builder_.set_tensor_type("output_norm.weight", 8));
    EXPECT_EQ(load_error(),
              "broken.gguf: tensor output_norm.weight has type Q8_0, which it may not have");
}

TEST_F(BrokenGguf, AnotherArchitectureIsRefusedByName) {
    spec_.architecture = "llama";
    builder_ = test::tiny_gguf(spec_, test::make_master_weights(spec_), {}, GgufExperts::separate);
    EXPECT_EQ(load_error(),
              "broken.gguf: unsupported architecture 'llama' (Hearth runs gpt-oss models)");
}

TEST_F(BrokenGguf, ImpossibleHyperparametersAreRefused) {
    spec_.experts_per_token = spec_.experts + 1;
    builder_ = test::tiny_gguf(spec_, test::make_master_weights(spec_), {}, GgufExperts::separate);
    EXPECT_EQ(load_error(),
              "broken.gguf: experts per token must be between 1 and the expert count");
}

TEST(ModelFiles, AHuggingFaceConfigOfAnotherModelIsRefused) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("hearth-hf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json") << R"({"model_type": "llama", "hidden_size": 4096})";
    auto files = model::open_model_files(dir);
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(files.has_value());
    EXPECT_EQ(files.error().message,
              (dir / "config.json").string() +
                  ": unsupported model type 'llama' (Hearth runs gpt-oss models)");
}

TEST_F(BrokenGguf, AnotherRopeScalingIsRefusedNotRunAsYarn) {
    spec_.rope_scaling = "linear";
    builder_ = test::tiny_gguf(spec_, test::make_master_weights(spec_), {}, GgufExperts::separate);
    EXPECT_EQ(load_error(),
              "broken.gguf: RoPE scaling 'linear' is not supported (gpt-oss uses yarn)");
}

// The tiny Hugging Face fixture's config.json with `edit` applied, read back.
Result<model::ModelConfig> edited_hf_config(const std::function<void(nlohmann::json&)>& edit) {
    std::ifstream in(fixtures / "tiny-gpt-oss-hf" / "config.json");
    nlohmann::json config = nlohmann::json::parse(in);
    edit(config);
    const auto path = std::filesystem::temp_directory_path() /
                      ("hearth-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << config.dump();
    auto result = model::config_from_hf_json(path);
    std::filesystem::remove(path);
    return result;
}

std::string error_of(const Result<model::ModelConfig>& config) {
    return config ? "(read)" : config.error().message;
}

TEST(ModelFiles, AHuggingFaceConfigSaysWhetherToRoundTheYarnRange) {
    auto as_written = edited_hf_config([](nlohmann::json&) {});
    ASSERT_TRUE(as_written.has_value()) << as_written.error().message;
    EXPECT_FALSE(as_written->yarn_truncate); // gpt-oss's own "truncate": false
    // Early copies of gpt-oss's config.json leave it out: still not rounded.
    auto left_out =
        edited_hf_config([](nlohmann::json& c) { c["rope_scaling"].erase("truncate"); });
    ASSERT_TRUE(left_out.has_value());
    EXPECT_FALSE(left_out->yarn_truncate);
    auto asked = edited_hf_config([](nlohmann::json& c) { c["rope_scaling"]["truncate"] = true; });
    ASSERT_TRUE(asked.has_value());
    EXPECT_TRUE(asked->yarn_truncate);
    EXPECT_NE(error_of(edited_hf_config([](nlohmann::json& c) {
                  c["rope_scaling"]["truncate"] = "no";
              })).find("rope_scaling truncate is not true or false"),
              std::string::npos);
}

TEST(ModelFiles, AHuggingFaceConfigWithAnotherRopeScalingIsRefused) {
    const auto error = error_of(
        edited_hf_config([](nlohmann::json& c) { c["rope_scaling"]["rope_type"] = "linear"; }));
    EXPECT_NE(error.find("rope_scaling rope_type \"linear\" is not supported (gpt-oss uses yarn)"),
              std::string::npos)
        << error;
}

TEST(ModelFiles, AHuggingFaceConfigWhoseLayersSlideOtherwiseIsRefused) {
    auto as_written = edited_hf_config([](nlohmann::json&) {});
    ASSERT_TRUE(as_written.has_value());
    ASSERT_EQ(as_written->layer_count, 2u);
    const auto swapped = error_of(edited_hf_config([](nlohmann::json& c) {
        c["layer_types"] = {"full_attention", "sliding_attention"};
    }));
    EXPECT_NE(swapped.find("layer_types is not gpt-oss's pattern"), std::string::npos) << swapped;
    const auto short_list = error_of(
        edited_hf_config([](nlohmann::json& c) { c["layer_types"] = {"sliding_attention"}; }));
    EXPECT_NE(short_list.find("layer_types is not gpt-oss's pattern"), std::string::npos);
    // Left out, the gpt-oss pattern is assumed.
    EXPECT_EQ(error_of(edited_hf_config([](nlohmann::json& c) { c.erase("layer_types"); })),
              "(read)");
}

TEST(ModelFiles, AMissingPathIsNamed) {
    auto files = model::open_model_files("/nonexistent/gpt-oss.gguf");
    ASSERT_FALSE(files.has_value());
    EXPECT_EQ(files.error().message, "/nonexistent/gpt-oss.gguf: no such file or folder");
}

} // namespace
