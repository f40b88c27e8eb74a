// The sparse benchmark model's per-token routing (tests/fixtures/tiny_model), routed here as the
// spec says (rms_norm, router, top-k) from the file's own weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

#include "backend/cpu/ops.h"
#include "gguf_builder.h"
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

// With a scale byte, every MXFP4 block of the experts carries it and its codes stay zero.
TEST(SparseModel, AnMxfp4ScaleIsWrittenIntoEveryBlock) {
    hearth::test::TinyModelSpec spec;
    spec.vocab = 512;
    const auto path = fs::temp_directory_path() /
                      ("hearth-scaled-sparse-" + std::to_string(::getpid()) + ".gguf");
    hearth::test::write_sparse_gguf(path, spec, {}, hearth::test::SparseRouting::uniform, 118);
    auto files = hearth::model::open_model_files(path);
    fs::remove(path); // the mapping stays readable
    ASSERT_TRUE(files.has_value()) << files.error().message;
    ASSERT_FALSE(files->weights.layers.empty());
    for (const auto& layer : files->weights.layers) {
        for (const auto* p : {&layer.experts.gate, &layer.experts.up, &layer.experts.down}) {
            const auto& data = p->matrix.data;
            ASSERT_EQ(data.size() % 17, 0u) << p->matrix.name;
            std::size_t wrong = 0;
            for (std::size_t i = 0; i < data.size(); ++i) {
                const auto expected = std::byte{static_cast<unsigned char>(i % 17 == 0 ? 118 : 0)};
                wrong += data[i] != expected;
            }
            EXPECT_EQ(wrong, 0u) << p->matrix.name;
        }
    }
}

// A repeated tensor is written a megabyte at a time; build() gives the same bytes in one piece.
TEST(SparseModel, ARepeatedTensorWritesTheSameBytesAsBuild) {
    hearth::test::GgufBuilder g;
    std::vector<std::byte> unit(17);
    for (std::size_t i = 0; i < unit.size(); ++i)
        unit[i] = std::byte{static_cast<unsigned char>(i + 1)};
    const std::uint64_t size = 17 * 100'000; // more than one piece, and a part of one
    g.add_repeated_tensor("t", 39, {3'200'000}, unit, size);
    const auto built = g.build();
    const auto path =
        fs::temp_directory_path() / ("hearth-repeated-" + std::to_string(::getpid()) + ".gguf");
    ASSERT_TRUE(g.write(path.string()));
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(path);
    ASSERT_EQ(bytes.size(), built.size());
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), built.begin(),
                           [](char a, std::byte b) { return std::byte(a) == b; }));
    const std::size_t data = built.size() - size;
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < size; ++i)
        wrong += built[data + i] != unit[i % 17];
    EXPECT_EQ(wrong, 0u);
}

} // namespace
