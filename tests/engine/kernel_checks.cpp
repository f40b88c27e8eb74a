#include "kernel_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "backend/cpu/grouped_attention.h"
#include "backend/cpu/ops.h"
#include "backend/device_sampling.h"
#include "backend/layer_kernel_args.h"
#include "model/decode.h"
#include "model/float_formats.h"

namespace hearth::test {

namespace ka = kernel_args;

std::vector<float> normal_values(std::size_t n, std::mt19937& rng, float scale) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

void make_packed_weight(PackedWeight& out, StoredLayout layout, std::uint64_t stack,
                        std::uint64_t rows, std::uint64_t cols, std::mt19937& rng) {
    fill_random_weight(out.stored, layout, stack, rows, cols, rng);
    auto format = gpu::device_format(out.stored.weight);
    ASSERT_TRUE(format.has_value());
    gpu::MatrixPacker packer(*format, stack * rows, cols);
    for (std::uint64_t s = 0; s < stack; ++s) {
        for (std::uint64_t r = 0; r < rows; ++r)
            packer.set_row(s * rows + r, out.stored.weight, s, r);
    }
    out.packed = packer.finish();
}

std::pair<double, double> exact_dot(const model::WeightRef& w, std::uint64_t stack,
                                    std::uint64_t row, const float* x) {
    std::vector<float> values(w.cols);
    model::decode_row(w, stack, row, values);
    double sum = 0, magnitude = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        sum += double{values[i]} * x[i];
        magnitude += std::abs(double{values[i]} * x[i]);
    }
    return {sum, magnitude};
}

void expect_projected(const PackedWeight& w, const std::vector<float>& bias,
                      const std::vector<float>& x, const std::vector<float>& start,
                      const std::vector<float>& result, std::uint32_t tokens, bool add) {
    const std::uint64_t rows = w.stored.weight.rows, cols = w.stored.weight.cols;
    for (std::uint32_t t = 0; t < tokens; ++t) {
        for (std::uint64_t j = 0; j < rows; ++j) {
            const auto [dot, magnitude] = exact_dot(w.stored.weight, 0, j, x.data() + t * cols);
            const double expected = dot + bias[j] + (add ? start[t * rows + j] : 0.0);
            EXPECT_NEAR(result[t * rows + j], expected,
                        1e-5 * (magnitude + std::abs(expected)) + 1e-6)
                << "token " << t << " row " << j;
        }
    }
    EXPECT_EQ(result.back(), poison) << "wrote past the last row";
}

void expect_swiglu_rows(const PackedWeight& gate_up, const std::vector<float>& bias,
                        std::uint64_t size, const std::vector<ExpertEntry>& entries,
                        const std::vector<float>& act) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto [e, x] = entries[i];
        for (std::uint64_t j = 0; j < size; ++j) {
            const auto [g, gm] = exact_dot(gate_up.stored.weight, e, j, x);
            const auto [u, um] = exact_dot(gate_up.stored.weight, e, size + j, x);
            const float expected = cpu::swiglu(
                static_cast<float>(g) + bias[e * 2 * size + j],
                static_cast<float>(u) + bias[e * 2 * size + size + j], test_swiglu_limit);
            EXPECT_NEAR(act[i * size + j], expected, 1e-4 * (gm + um + std::abs(expected)) + 1e-6)
                << "entry " << i << " row " << j;
        }
    }
    EXPECT_EQ(act[entries.size() * size], poison);
}

void expect_down_rows(const PackedWeight& down, const std::vector<float>& bias,
                      const std::vector<ExpertEntry>& entries, const std::vector<float>& result) {
    const std::uint64_t rows = down.stored.weight.rows;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto [e, x] = entries[i];
        for (std::uint64_t j = 0; j < rows; ++j) {
            const auto [dot, m] = exact_dot(down.stored.weight, e, j, x);
            const double expected = dot + bias[e * rows + j];
            EXPECT_NEAR(result[i * rows + j], expected, 1e-5 * (m + std::abs(expected)) + 1e-6)
                << "entry " << i << " row " << j;
        }
    }
    EXPECT_EQ(result[entries.size() * rows], poison);
}

void expect_down_added(const PackedWeight& down, const std::vector<float>& bias,
                       const std::vector<ExpertEntry>& entries, const std::vector<float>& weights,
                       const std::vector<float>& start, const std::vector<float>& result) {
    const std::uint64_t rows = down.stored.weight.rows;
    for (std::uint64_t j = 0; j < rows; ++j) {
        double expected = start[j], magnitude = std::abs(start[j]);
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto [e, x] = entries[i];
            const auto [dot, m] = exact_dot(down.stored.weight, e, j, x);
            expected += weights[i] * (dot + bias[e * rows + j]);
            magnitude += m + std::abs(bias[e * rows + j]);
        }
        EXPECT_NEAR(result[j], expected, 1e-5 * magnitude + 1e-6) << j;
    }
    EXPECT_EQ(result[rows], poison);
}

namespace {

// Widths for the down projections: not a multiple of the warp where the format allows it.
std::uint64_t down_width(StoredLayout layout, std::uint64_t size) {
    return layout == StoredLayout::f32 ? size + 1 : 64;
}

} // namespace

OneTokenExperts::OneTokenExperts(StoredLayout layout, std::uint64_t width, std::mt19937& rng,
                                 std::uint32_t slot_count, std::uint64_t gate_up_size)
    : size(gate_up_size), cols(width), down_cols(down_width(layout, size)), slots(slot_count) {
    make_packed_weight(gate_up, layout, experts, 2 * size, cols, rng);
    x = normal_values(cols, rng);
    gate_up_bias = normal_values(experts * 2 * size, rng);
    make_packed_weight(down, layout, experts, rows, down_cols, rng);
    inputs = normal_values(slots * down_cols, rng);
    down_bias = normal_values(experts * rows, rng);
    start = normal_values(rows + 1, rng);
    start[rows] = poison;
    std::vector<float> weights = {0.7f, 0.3f};
    std::uniform_real_distribution<float> weight(0.1f, 1.0f);
    while (weights.size() < slots)
        weights.push_back(weight(rng));
    for (std::uint32_t s = 0; s < slots; ++s)
        route.push_back((2 + s) % 3); // 2, 0, 1, 2, ...
    for (std::uint32_t s = 0; s < slots; ++s)
        route.push_back(std::bit_cast<std::uint32_t>(weights[s]));
}

ka::MatVecArgs OneTokenExperts::args_for(std::uint64_t in, std::uint64_t out) const {
    return {static_cast<std::uint32_t>(in),
            static_cast<std::uint32_t>(out),
            slots,
            test_swiglu_limit,
            static_cast<std::uint32_t>(experts),
            0,
            0.0f};
}

ka::MatVecArgs OneTokenExperts::gate_up_args() const { return args_for(cols, size); }

ka::MatVecArgs OneTokenExperts::down_args() const { return args_for(down_cols, rows); }

void OneTokenExperts::expect_gate_up(const std::vector<float>& act) const {
    std::vector<ExpertEntry> entries;
    for (std::uint32_t s = 0; s < slots; ++s)
        entries.push_back({route[s], x.data()});
    expect_swiglu_rows(gate_up, gate_up_bias, size, entries, act);
}

void OneTokenExperts::expect_down(const std::vector<float>& y) const {
    std::vector<ExpertEntry> entries;
    std::vector<float> weights;
    for (std::uint32_t s = 0; s < slots; ++s) {
        entries.push_back({route[s], inputs.data() + s * down_cols});
        weights.push_back(std::bit_cast<float>(route[slots + s]));
    }
    expect_down_added(down, down_bias, entries, weights, start, y);
}

GroupedExperts::GroupedExperts(StoredLayout layout, std::uint64_t width, std::mt19937& rng)
    : GroupedExperts(layout, width, rng, BatchRoutes{}, OneTokenExperts::default_size,
                     OneTokenExperts::default_rows) {}

GroupedExperts::GroupedExperts(StoredLayout layout, std::uint64_t width, std::mt19937& rng,
                               BatchRoutes routes, std::uint64_t gate_up_size,
                               std::uint64_t down_rows)
    : batch(std::move(routes)), size(gate_up_size), rows(down_rows), cols(width),
      down_cols(down_width(layout, size)) {
    make_packed_weight(gate_up, layout, batch.experts, 2 * size, cols, rng);
    h = normal_values(batch.tokens * cols, rng);
    gate_up_bias = normal_values(batch.experts * 2 * size, rng);
    make_packed_weight(down, layout, batch.experts, rows, down_cols, rng);
    inputs = normal_values(entries() * down_cols, rng);
    down_bias = normal_values(batch.experts * rows, rng);
}

void GroupedExperts::expect_gate_up(const std::vector<float>& act) const {
    expect_swiglu_rows(gate_up, gate_up_bias, size, batch.entries(h, cols, false), act);
}

void GroupedExperts::expect_down(const std::vector<float>& out) const {
    expect_down_rows(down, down_bias, batch.entries(inputs, down_cols, true), out);
}

std::deque<GroupedExperts> matmul_grouped_batches(StoredLayout layout, std::uint64_t cols,
                                                  std::mt19937& rng) {
    namespace ka = kernel_args;
    std::deque<GroupedExperts> batches; // built in place: a GroupedExperts does not move
    batches.emplace_back(layout, cols, rng);
    batches.emplace_back(layout, cols, rng, BatchRoutes::crowded(ka::matmul_tile_tokens + 9, rng),
                         gpu::matmul_tile_outputs(ka::matvec_expert_gate_up_grouped) + 6,
                         gpu::matmul_tile_outputs(ka::matvec_expert_down_grouped) + 3);
    return batches;
}

std::vector<std::uint32_t> BatchRoutes::groups() const {
    std::vector<std::uint32_t> out(experts * (1 + tokens), 0xFFFFFFFFu);
    for (std::uint32_t e = 0; e < experts; ++e) {
        std::uint32_t count = 0;
        for (std::uint32_t entry = 0; entry < tokens * slots; ++entry) {
            if (chosen[entry] == e) out[experts + e * tokens + count++] = entry;
        }
        out[e] = count;
    }
    return out;
}

std::vector<std::uint32_t> BatchRoutes::groups_with_work(std::uint32_t tokens_per_group) const {
    auto out = groups();
    const std::size_t count_at = out.size();
    out.push_back(0);
    for (std::uint32_t e = 0; e < experts; ++e) {
        for (std::uint32_t from = 0; from < out[e]; from += tokens_per_group) {
            out.push_back(e << 16 | from / tokens_per_group);
        }
    }
    out[count_at] = static_cast<std::uint32_t>(out.size() - count_at - 1);
    out.resize(count_at + 1 + work_capacity(tokens_per_group), 0xFFFFFFFFu);
    return out;
}

std::uint32_t BatchRoutes::work_capacity(std::uint32_t tokens_per_group) const {
    return (tokens * slots + experts * (tokens_per_group - 1)) / tokens_per_group;
}

ka::MatVecArgs BatchRoutes::matvec_args(std::uint64_t cols, std::uint64_t rows) const {
    return {static_cast<std::uint32_t>(cols),
            static_cast<std::uint32_t>(rows),
            slots,
            test_swiglu_limit,
            experts,
            tokens,
            0.0f};
}

std::vector<std::uint32_t> BatchRoutes::route_rows() const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t t = 0; t < tokens; ++t) {
        for (std::uint32_t s = 0; s < slots; ++s)
            out.push_back(chosen[t * slots + s]);
        for (std::uint32_t s = 0; s < slots; ++s)
            out.push_back(std::bit_cast<std::uint32_t>(weights[t * slots + s]));
    }
    return out;
}

BatchRoutes BatchRoutes::crowded(std::uint32_t tokens, std::mt19937& rng) {
    BatchRoutes batch;
    batch.experts = 4;
    batch.tokens = tokens;
    batch.chosen.clear();
    batch.weights.clear();
    std::uniform_real_distribution<float> share(0.05f, 0.95f);
    for (std::uint32_t t = 0; t < tokens; ++t) {
        const std::uint32_t other = static_cast<std::uint32_t>(rng() % 2);
        const bool first = rng() % 2 == 0;
        const float weight = share(rng);
        batch.chosen.insert(batch.chosen.end(), {first ? 2u : other, first ? other : 2u});
        batch.weights.insert(batch.weights.end(), {weight, 1 - weight});
    }
    return batch;
}

std::vector<ExpertEntry> BatchRoutes::entries(const std::vector<float>& x, std::uint64_t cols,
                                              bool per_entry) const {
    std::vector<ExpertEntry> out;
    for (std::uint32_t entry = 0; entry < tokens * slots; ++entry) {
        const std::uint64_t row = per_entry ? entry : entry / slots;
        out.push_back({chosen[entry], x.data() + row * cols});
    }
    return out;
}

void expect_groups_listed(const BatchRoutes& batch, const std::vector<std::uint32_t>& listed) {
    const auto expected = batch.groups();
    for (std::uint32_t e = 0; e < batch.experts; ++e) {
        ASSERT_EQ(listed[e], expected[e]) << "expert " << e;
        for (std::uint32_t i = 0; i < expected[e]; ++i) {
            const std::size_t at = batch.experts + e * batch.tokens + i;
            EXPECT_EQ(listed[at], expected[at]) << "expert " << e << " entry " << i;
        }
    }
}

void expect_experts_combined(const BatchRoutes& batch, const std::vector<float>& down,
                             const std::vector<float>& start, std::uint32_t counted,
                             std::uint32_t cols, const std::vector<float>& result) {
    for (std::uint32_t t = 0; t < batch.tokens; ++t) {
        for (std::uint32_t j = 0; j < cols; ++j) {
            double expected = start[t * cols + j];
            for (std::uint32_t s = 0; t < counted && s < batch.slots; ++s) {
                expected +=
                    batch.weights[t * batch.slots + s] * down[(t * batch.slots + s) * cols + j];
            }
            EXPECT_NEAR(result[t * cols + j], expected, 1e-5 * (1 + std::abs(expected)))
                << "token " << t << " " << j;
        }
    }
    EXPECT_EQ(result.back(), poison);
}

std::vector<float> planted_router_logits(std::uint32_t experts, std::mt19937& rng) {
    auto logits = normal_values(2 * experts, rng);
    logits[30] = logits[11] = 9.0f; // a tie: the lower index goes first
    logits[experts - 1] = 8.5f;     // the last one is read too
    logits[experts + 5] = 7.0f;
    return logits;
}

void expect_routes(const std::vector<float>& logits, std::uint32_t experts,
                   const std::vector<float>& result) {
    for (std::uint32_t token = 0; token < 2; ++token) {
        std::vector<cpu::ExpertChoice> expected(4);
        cpu::route(logits.data() + token * experts, experts, 4, expected.data());
        // The planted values are chosen: the last expert, and expert 5 for the second token.
        ASSERT_EQ(token == 0 ? expected[2].expert : expected[0].expert,
                  token == 0 ? experts - 1 : 5u);
        for (std::size_t slot = 0; slot < 4; ++slot) {
            EXPECT_EQ(std::bit_cast<std::uint32_t>(result[token * 8 + slot]),
                      expected[slot].expert);
            EXPECT_NEAR(result[token * 8 + 4 + slot], expected[slot].weight, 1e-6f);
        }
    }
    EXPECT_EQ(result[16], poison);
}

void plant_last_expert_first(const PackedWeight& w, const std::vector<float>& x,
                             std::vector<float>& bias) {
    const auto experts = static_cast<std::uint32_t>(bias.size());
    double others = -1e30;
    for (std::uint32_t e = 0; e + 1 < experts; ++e)
        others = std::max(others, exact_dot(w.stored.weight, 0, e, x.data()).first + bias[e]);
    bias.back() =
        static_cast<float>(others + 1 - exact_dot(w.stored.weight, 0, experts - 1, x.data()).first);
}

void expect_route_of_logits(const std::vector<float>& logits, std::uint32_t experts,
                            std::uint32_t chosen, const std::vector<float>& route_words) {
    std::vector<cpu::ExpertChoice> expected(chosen);
    cpu::route(logits.data(), experts, chosen, expected.data());
    ASSERT_EQ(expected[0].expert, experts - 1);
    for (std::uint32_t slot = 0; slot < chosen; ++slot) {
        EXPECT_EQ(std::bit_cast<std::uint32_t>(route_words[slot]), expected[slot].expert)
            << "slot " << slot;
        EXPECT_NEAR(route_words[chosen + slot], expected[slot].weight, 1e-6f) << "slot " << slot;
    }
    EXPECT_EQ(route_words[2 * chosen], poison);
}

void expect_rms_normed(const std::vector<float>& x, const std::vector<float>& gain,
                       std::uint32_t rows, std::uint32_t n, const std::vector<float>& result) {
    std::vector<float> expected(rows * n);
    for (std::uint32_t r = 0; r < rows; ++r)
        cpu::rms_norm(x.data() + r * n, gain.data(), 1e-5f, n, expected.data() + r * n);
    for (std::size_t i = 0; i < rows * n; ++i)
        EXPECT_NEAR(result[i], expected[i], 1e-5f * std::abs(expected[i]) + 1e-6f) << i;
    EXPECT_EQ(result[rows * n], poison);
}

Int8Rows Int8Rows::random(std::size_t count, std::mt19937& rng) {
    Int8Rows rows;
    std::uniform_int_distribution<int> code(-127, 127);
    std::uniform_real_distribution<float> scale(0.002f, 0.05f);
    rows.codes.assign(count / 4, 0);
    for (std::size_t block = 0; block < count / 32; ++block) {
        rows.scales.push_back(scale(rng));
        for (std::size_t i = 32 * block; i < 32 * (block + 1); ++i) {
            const int c = code(rng);
            rows.codes[i / 4] |= (static_cast<std::uint32_t>(c) & 0xFFu) << (8 * (i % 4));
            rows.values.push_back(static_cast<float>(c) * rows.scales.back());
        }
    }
    return rows;
}

int Int8Rows::code(std::size_t i) const {
    return static_cast<std::int8_t>((codes[i / 4] >> (8 * (i % 4))) & 0xFFu);
}

std::vector<float> quantize_input(std::uint32_t rows, std::uint32_t n, std::mt19937& rng) {
    auto x = normal_values(std::size_t{rows} * n, rng, 3.0f);
    std::fill_n(x.begin() + n, 32, 0.0f);
    return x;
}

void expect_quantized_q8(const std::vector<float>& quantized, const Int8Rows& got,
                         float relative_error) {
    const std::size_t blocks = quantized.size() / 32;
    ASSERT_EQ(got.scales.size(), blocks + 1);
    ASSERT_EQ(got.codes.size(), quantized.size() / 4 + 1);
    EXPECT_EQ(got.scales.back(), poison);
    EXPECT_EQ(got.codes.back(), std::bit_cast<std::uint32_t>(poison));
    for (std::size_t block = 0; block < blocks; ++block) {
        float largest = 0.0f;
        int largest_code = 0;
        for (std::size_t i = 32 * block; i < 32 * (block + 1); ++i)
            largest = std::max(largest, std::abs(quantized[i]));
        for (std::size_t i = 32 * block; i < 32 * (block + 1); ++i) {
            largest_code = std::max(largest_code, std::abs(got.code(i)));
            EXPECT_LE(std::abs(static_cast<float>(got.code(i)) * got.scales[block] - quantized[i]),
                      0.5001f * got.scales[block] + relative_error * largest + 1e-30f)
                << "value " << i;
        }
        if (relative_error > 0.0f) {
            EXPECT_NEAR(got.scales[block], largest / 127.0f, relative_error * largest / 127.0f)
                << "block " << block;
        } else {
            EXPECT_FLOAT_EQ(got.scales[block], largest / 127.0f) << "block " << block;
        }
        EXPECT_EQ(largest_code, largest > 0.0f ? 127 : 0) << "block " << block;
    }
}

model::ModelConfig attention_config() {
    model::ModelConfig c;
    c.head_count = 6;
    c.kv_head_count = 2;
    c.head_dim = 16;
    c.rope_theta = 150000;
    c.yarn_factor = 32;
    c.yarn_original_context = 4096;
    c.context_length = 131072;
    return c;
}

std::string layout_name(CacheLayout layout) {
    switch (layout) {
    case CacheLayout::f32: return "f32";
    case CacheLayout::f16: return "f16";
    case CacheLayout::q8: return "q8";
    }
    return "?";
}

std::vector<std::uint32_t> cache_words(const std::vector<float>& values, CacheLayout layout,
                                       std::uint32_t head_dim) {
    std::vector<std::uint32_t> words;
    if (layout == CacheLayout::f32) {
        for (float v : values)
            words.push_back(std::bit_cast<std::uint32_t>(v));
    } else if (layout == CacheLayout::f16) {
        for (std::size_t i = 0; i < values.size(); i += 2) {
            const auto low = std::bit_cast<std::uint16_t>(static_cast<_Float16>(values[i]));
            const auto high = std::bit_cast<std::uint16_t>(static_cast<_Float16>(values[i + 1]));
            words.push_back(low | (std::uint32_t{high} << 16));
        }
    } else {
        for (std::size_t row = 0; row < values.size(); row += head_dim) {
            float largest = 0;
            for (std::size_t d = 0; d < head_dim; ++d)
                largest = std::max(largest, std::abs(values[row + d]));
            const float inverse = largest > 0 ? 127.0f / largest : 0.0f;
            for (std::size_t d = 0; d < head_dim; d += 4) {
                std::uint32_t word = 0;
                for (std::size_t k = 0; k < 4; ++k) {
                    const auto code = static_cast<std::int32_t>(
                        std::clamp(std::nearbyint(values[row + d + k] * inverse), -127.0f, 127.0f));
                    word |= (static_cast<std::uint32_t>(code) & 0xFFu) << (8 * k);
                }
                words.push_back(word);
            }
            words.push_back(std::bit_cast<std::uint32_t>(largest / 127.0f));
        }
    }
    return words;
}

std::vector<float> cache_values(const std::vector<std::uint32_t>& words, CacheLayout layout,
                                std::uint32_t head_dim) {
    std::vector<float> values;
    if (layout == CacheLayout::f32) {
        for (std::uint32_t w : words)
            values.push_back(std::bit_cast<float>(w));
    } else if (layout == CacheLayout::f16) {
        for (std::uint32_t w : words) {
            values.push_back(model::f16_to_float(static_cast<std::uint16_t>(w & 0xFFFF)));
            values.push_back(model::f16_to_float(static_cast<std::uint16_t>(w >> 16)));
        }
    } else {
        const std::size_t row_words = head_dim / 4 + 1;
        for (std::size_t row = 0; row + row_words <= words.size(); row += row_words) {
            const float scale = std::bit_cast<float>(words[row + head_dim / 4]);
            for (std::size_t d = 0; d < head_dim; ++d) {
                const auto code = static_cast<std::int8_t>(words[row + d / 4] >> (8 * (d % 4)));
                values.push_back(static_cast<float>(code) * scale);
            }
        }
    }
    return values;
}

// How far value i of `heads` (rows of head_dim) may be from what a cache of `layout` keeps of
// it. f16 keeps 11 significant bits: a relative error of at most 2^-11. q8 rounds to the nearest
// of 255 steps across the row's largest magnitude: at most half a step, of largest / 127.
float cached_tolerance(CacheLayout layout, const float* heads, std::size_t i,
                       std::uint32_t head_dim) {
    if (layout != CacheLayout::q8) {
        const float relative = layout == CacheLayout::f16 ? 1.0f / 2048 : 0.0f;
        return relative * std::abs(heads[i]) + 1e-6f;
    }
    const std::size_t first = i / head_dim * head_dim;
    float largest = 0;
    for (std::size_t d = 0; d < head_dim; ++d)
        largest = std::max(largest, std::abs(heads[first + d]));
    return largest / 254 * 1.001f + 1e-6f;
}

RopeInputs::RopeInputs(CacheLayout cache_layout, std::mt19937& rng, std::uint32_t head_dim)
    : layout(cache_layout) {
    config.head_dim = head_dim;
    qkv = normal_values(grid_tokens * (config.q_size() + 2 * std::size_t{config.kv_size()}), rng);
    poisoned = cache_words(std::vector<float>(capacity * config.kv_size(), poison), layout,
                           config.head_dim);
}

void RopeInputs::expect_written(const std::vector<float>& rotated,
                                const std::vector<std::uint32_t>& key_words,
                                const std::vector<std::uint32_t>& value_words) const {
    const auto& c = config;
    const cpu::YarnRope rope(c);
    const std::size_t Q = c.q_size(), KV = c.kv_size(), row = Q + 2 * KV;
    const auto cached_keys = cache_values(key_words, layout, c.head_dim);
    const auto cached_values = cache_values(value_words, layout, c.head_dim);
    auto tolerance = [&](const float* heads, std::size_t i) {
        return cached_tolerance(layout, heads, i, c.head_dim);
    };
    for (std::uint32_t t = 0; t < tokens; ++t) {
        SCOPED_TRACE("token " + std::to_string(t));
        const std::uint32_t position = first_position + t;
        const float* q = qkv.data() + t * row;
        std::vector<float> expected_q(q, q + Q), expected_k(q + Q, q + Q + KV);
        for (std::size_t h = 0; h < c.head_count; ++h)
            rope.apply(expected_q.data() + h * c.head_dim, position);
        for (std::size_t h = 0; h < c.kv_head_count; ++h)
            rope.apply(expected_k.data() + h * c.head_dim, position);
        for (std::size_t i = 0; i < Q; ++i)
            EXPECT_NEAR(rotated[t * row + i], expected_q[i], 1e-6f) << i;
        for (std::size_t i = Q; i < row; ++i)
            EXPECT_EQ(rotated[t * row + i], qkv[t * row + i]) << "keys and values are only read";
        const std::size_t slot = position % capacity;
        for (std::size_t i = 0; i < KV; ++i) {
            EXPECT_NEAR(cached_keys[slot * KV + i], expected_k[i], tolerance(expected_k.data(), i))
                << i;
            EXPECT_NEAR(cached_values[slot * KV + i], q[Q + KV + i], tolerance(q + Q + KV, i)) << i;
        }
    }
    EXPECT_EQ(std::vector<float>(rotated.begin() + tokens * row, rotated.end()),
              std::vector<float>(qkv.begin() + tokens * row, qkv.end()))
        << "the token past the count is left alone";
    const auto untouched = cache_values(poisoned, layout, c.head_dim);
    for (std::uint32_t slot = 0; slot < capacity; ++slot) {
        const std::uint32_t from_first = (slot + capacity - first_position % capacity) % capacity;
        if (from_first < tokens) continue; // a slot the tokens wrote
        EXPECT_EQ(cached_keys[slot * KV], untouched[0]) << "only the tokens' slots, not " << slot;
        EXPECT_EQ(cached_values[slot * KV], untouched[0]) << slot;
    }
}

std::vector<AttentionCase> attention_cases() {
    return {{0, 140, 1}, {0, 140, 3}, {0, 2, 5}, {0, 70, 5}, {7, 190, 1}, {128, 190, 4}};
}

std::vector<AttentionCase> prefill_attention_cases() {
    return {{0, 0, 1}, {0, 100, 1}, {7, 190, 1}, {128, 160, 1}};
}

std::vector<StepAttentionRuns> step_attention_runs(CacheLayout layout, std::mt19937& rng,
                                                   std::uint32_t head_dim,
                                                   std::uint32_t head_count) {
    std::vector<StepAttentionRuns> runs;
    for (auto [capacity, cases] :
         {std::pair{150u, attention_cases()},
          std::pair{1100u,
                    std::vector<AttentionCase>{{0, 1050, ka::attention_decode_max_splits}}}}) {
        const auto furthest = std::ranges::max(cases, {}, &AttentionCase::position).position;
        runs.push_back({AttentionInputs(layout, rng, 1, capacity, head_dim, head_count),
                        std::move(cases), furthest + 1});
    }
    return runs;
}

AttentionInputs::AttentionInputs(CacheLayout cache_layout, std::mt19937& rng,
                                 std::uint32_t token_count, std::uint32_t cache_capacity,
                                 std::uint32_t head_dim, std::uint32_t head_count)
    : capacity(cache_capacity), tokens(token_count), layout(cache_layout) {
    config.head_dim = head_dim;
    config.head_count = head_count;
    const std::size_t KV = config.kv_size(), row = config.q_size() + 2 * KV;
    qkv = normal_values(tokens * row, rng);
    sinks = normal_values(config.head_count, rng);
    const std::uint32_t D = config.head_dim;
    key_words = cache_words(normal_values(capacity * KV, rng), layout, D);
    value_words = cache_words(normal_values(capacity * KV, rng), layout, D);
    keys = cache_values(key_words, layout, D);
    values = cache_values(value_words, layout, D);
}

ka::AttentionArgs AttentionInputs::args(const AttentionCase& run) const {
    return {config.head_count, config.kv_head_count, capacity, run.window, scale, run.splits};
}

void AttentionInputs::expect_attended(const AttentionCase& run,
                                      const std::vector<float>& result) const {
    const auto& c = config;
    const std::size_t Q = c.q_size(), KV = c.kv_size(), D = c.head_dim, row = Q + 2 * KV;
    const std::uint32_t group = c.head_count / c.kv_head_count;
    const cpu::GroupedAttention attention(group, c.head_dim, scale);
    std::vector<float> expected(group * D);
    for (std::uint32_t t = 0; t < tokens; ++t) {
        const std::uint32_t at = run.position + t;
        const std::uint32_t first = run.window != 0 && at >= run.window ? at - run.window + 1 : 0;
        for (std::size_t kv_head = 0; kv_head < c.kv_head_count; ++kv_head) {
            const cpu::KeyValueRing ring{keys.data() + kv_head * D, values.data() + kv_head * D,
                                         capacity, KV};
            const std::size_t first_head = kv_head * group;
            attention.attend(qkv.data() + t * row + first_head * D, ring, first, at,
                             sinks.data() + first_head, expected.data());
            for (std::size_t i = 0; i < group * D; ++i) {
                EXPECT_NEAR(result[t * Q + first_head * D + i], expected[i], 1e-5f)
                    << "token " << t << " head " << first_head + i / D << " " << i % D;
            }
        }
    }
    EXPECT_EQ(result[tokens * Q], poison);
}

std::vector<SamplingCase> sampling_cases() {
    std::vector<SamplingCase> cases;
    auto exclude = [](std::vector<std::uint32_t>& bits, std::size_t id) {
        bits[id / 32] |= 1u << (id % 32);
    };
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    constexpr float minus_infinity = -std::numeric_limits<float>::infinity();

    std::mt19937 rng(21);
    SamplingCase greedy{"greedy", normal_values(70001, rng), {}, 0.0f, 0.5f, 40000, 1.0f, 0.0f};
    greedy.excluded.assign((greedy.logits.size() + 31) / 32, 0);
    greedy.logits[123] = 50.0f; // the best, but excluded
    exclude(greedy.excluded, 123);
    greedy.logits[5000] = nan;
    greedy.logits[6000] = minus_infinity;
    greedy.logits[69999] = 9.0f; // tied with 40000 across chunks: the lower id wins
    greedy.logits[40000] = 9.0f;
    cases.push_back(greedy);
    for (const float temperature : {0.0f, 1.0f}) {
        SamplingCase none = greedy;
        none.name = "everything excluded at temperature " + std::to_string(temperature);
        std::fill(none.excluded.begin(), none.excluded.end(), 0xFFFFFFFFu);
        none.temperature = temperature;
        none.expected = gpu::nothing_to_draw;
        cases.push_back(none);
    }

    // Four usable ids with weights 1, 2, 3, 4 (at temperature 2: logits 2 ln w); every other id
    // is excluded, -infinity or NaN. A draw at random r takes the id where r * 10 falls.
    SamplingCase drawn{"", std::vector<float>(1000, minus_infinity), {}, 2.0f, 0.0f, 0, 1.0f, 0.0f};
    drawn.excluded.assign((drawn.logits.size() + 31) / 32, 0);
    const std::uint32_t ids[] = {17, 400, 401, 999};
    for (std::uint32_t i = 0; i < 4; ++i)
        drawn.logits[ids[i]] = 2.0f * std::log(static_cast<float>(i + 1));
    drawn.logits[500] = 80.0f;
    exclude(drawn.excluded, 500);
    drawn.logits[600] = nan;
    const std::pair<float, std::uint32_t> draws[] = {{0.0f, 17},   {0.09f, 17},  {0.11f, 400},
                                                     {0.29f, 400}, {0.31f, 401}, {0.59f, 401},
                                                     {0.61f, 999}, {0.999f, 999}};
    for (const auto& [random, expected] : draws) {
        drawn.name = "a draw at " + std::to_string(random);
        drawn.random = random;
        drawn.expected = expected;
        cases.push_back(drawn);
    }

    // Top-p 0.5 keeps 999 and 401 (7 of 10); 0.35 keeps 999 alone. Min-p 0.3 drops 17 (a
    // quarter of 999's weight).
    struct Cut {
        float top_p, min_p, random;
        std::uint32_t expected;
    };
    for (const Cut cut : {Cut{0.5f, 0, 0.4f, 401}, Cut{0.5f, 0, 0.5f, 999},
                          Cut{0.35f, 0, 0.0f, 999}, Cut{1.0f, 0.3f, 0.05f, 400}}) {
        drawn.name = "top-p " + std::to_string(cut.top_p) + ", min-p " + std::to_string(cut.min_p) +
                     ", a draw at " + std::to_string(cut.random);
        drawn.top_p = cut.top_p;
        drawn.min_p = cut.min_p;
        drawn.random = cut.random;
        drawn.expected = cut.expected;
        cases.push_back(drawn);
    }
    // 400 tied with 401 (weights 1, 3, 3, 4): top-p 0.5 reaches its mass at 400 and keeps 401
    // with it, so a draw at 0.55 (5.5 of the kept 10) takes 401.
    drawn.logits[400] = drawn.logits[401];
    drawn.name = "top-p with a tie at the cut";
    drawn.top_p = 0.5f;
    drawn.min_p = 0;
    drawn.random = 0.55f;
    drawn.expected = 401;
    cases.push_back(drawn);
    return cases;
}

void AttentionInputs::expect_decoded(const AttentionCase& run, const std::vector<float>& result,
                                     const std::vector<std::uint32_t>& key_words_after,
                                     const std::vector<std::uint32_t>& value_words_after) const {
    const auto& c = config;
    const std::size_t Q = c.q_size(), KV = c.kv_size(), D = c.head_dim;
    // The token's query heads and key heads (which follow them) rotated for its position.
    const cpu::YarnRope rope(c);
    AttentionInputs written = *this;
    written.tokens = 1;
    for (std::size_t h = 0; h < c.head_count + c.kv_head_count; ++h)
        rope.apply(written.qkv.data() + h * D, run.position);
    written.keys = cache_values(key_words_after, layout, c.head_dim);
    written.values = cache_values(value_words_after, layout, c.head_dim);
    const float* key = written.qkv.data() + Q;
    const float* value = key + KV;
    const std::size_t slot = run.position % capacity;
    for (std::size_t s = 0; s < capacity; ++s) {
        for (std::size_t i = 0; i < KV; ++i) {
            const std::size_t at = s * KV + i;
            if (s != slot) {
                ASSERT_EQ(written.keys[at], keys[at]) << "slot " << s << " " << i;
                ASSERT_EQ(written.values[at], values[at]) << "slot " << s << " " << i;
                continue;
            }
            EXPECT_NEAR(written.keys[at], key[i], cached_tolerance(layout, key, i, c.head_dim))
                << "the token's key " << i;
            EXPECT_NEAR(written.values[at], value[i],
                        cached_tolerance(layout, value, i, c.head_dim))
                << "the token's value " << i;
        }
    }
    written.expect_attended(run, result);
}

} // namespace hearth::test
