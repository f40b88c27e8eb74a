// The sparse benchmark model's per-token routing (tests/fixtures/tiny_model), routed here as the
// spec says (rms_norm, router, top-k) from the file's own weights.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

#include "backend/cpu/ops.h"
#include "model/decode.h"
#include "model/model_files.h"
#include "tiny_model_writers.h"

namespace {

namespace fs = std::filesystem;

// Tokens choose different experts, and between them every expert.
TEST(SparseModel, PerTokenRoutingSpreadsTokensOverEveryExpert) {
    hearth::test::TinyModelSpec spec;
    spec.vocab = 512;
    const auto path = fs::temp_directory_path() /
                      ("hearth-routed-sparse-" + std::to_string(::getpid()) + ".gguf");
    hearth::test::write_sparse_gguf(path, spec, {}, hearth::test::SparseRouting::per_token);
    auto files = hearth::model::open_model_files(path);
    fs::remove(path);
    ASSERT_TRUE(files.has_value()) << files.error().message;
    const auto& c = files->config;
    const auto& w = files->weights;
    std::set<std::set<std::uint32_t>> expert_sets;
    std::set<std::uint32_t> chosen;
    std::vector<float> x(c.hidden_size), gain(c.hidden_size), h(c.hidden_size),
        router_row(c.hidden_size), logits(c.expert_count);
    std::vector<hearth::cpu::ExpertChoice> route(c.experts_per_token);
    for (std::uint32_t token = 0; token < 64; ++token) {
        hearth::model::decode_row(w.embedding, 0, token, x);
        for (const auto& layer : w.layers) {
            hearth::model::decode_row(layer.mlp_norm, 0, 0, gain);
            hearth::cpu::rms_norm(x.data(), gain.data(), c.rms_norm_eps, x.size(), h.data());
            for (std::uint32_t e = 0; e < c.expert_count; ++e) {
                hearth::model::decode_row(layer.router.matrix, 0, e, router_row);
                logits[e] = std::inner_product(h.begin(), h.end(), router_row.begin(), 0.0f);
            }
            hearth::cpu::route(logits.data(), c.expert_count, c.experts_per_token, route.data());
            std::set<std::uint32_t> experts;
            for (const auto& choice : route)
                experts.insert(choice.expert);
            chosen.insert(experts.begin(), experts.end());
            expert_sets.insert(experts);
        }
    }
    EXPECT_GT(expert_sets.size(), 32u); // of 70 possible sets, over 128 routings
    EXPECT_EQ(chosen.size(), c.expert_count);
}

} // namespace
