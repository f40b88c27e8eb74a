// Each forward-pass shader (on lavapipe in CI) against the CPU backend's operations and the exact
// weight decoder, on fresh random inputs, with sizes that are not multiples of the workgroup size
// and outputs poisoned beforehand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <random>

#include "backend/cpu/ops.h"
#include "backend/rope_table.h"
#include "backend/vulkan/vulkan_device.h"
#include "backend/weight_packing.h"
#include "hearth/spirv.h"
#include "kernel_args.h"
#include "kernel_checks.h"
#include "model/decode.h"
#include "model/float_formats.h"

namespace {

using namespace hearth;
using namespace hearth::test;
using vk::Buffer;
namespace ka = kernel_args;

[[noreturn]] void die_with(const Error& error) {
    std::fprintf(stderr, "Vulkan test rig: %s: %s\n", error.message.c_str(), error.detail.c_str());
    std::abort();
}

// One device for the whole program: NVIDIA's driver (on an H200) refused new instances after a
// few dozen had been created and destroyed in one process. Without a device nothing here can
// run, so the program stops rather than touch an empty result.
vk::VulkanDevice& shared_device() {
    static vk::VulkanDevice device = [] {
        auto instance = vk::VulkanInstance::create();
        if (!instance) die_with(instance.error());
        auto opened = vk::VulkanDevice::open(*instance, 0);
        if (!opened) die_with(opened.error());
        return std::move(*opened);
    }();
    return device;
}

// The plumbing to run a single dispatch on the shared device.
class Rig {
  public:
    vk::VulkanDevice& device() { return device_; }

    Buffer upload(std::span<const std::byte> bytes) {
        auto buffer = device_.create_buffer(bytes.size(), vk::MemoryKind::device_local);
        EXPECT_TRUE(buffer.has_value());
        EXPECT_TRUE(device_.upload(*buffer, 0, bytes).has_value());
        return std::move(*buffer);
    }
    // A repacked matrix's scales, or a 4-byte placeholder for formats without them.
    Buffer upload_scales(const gpu::PackedMatrix& packed) {
        return upload(packed.scales.empty() ? std::vector<std::byte>(4) : packed.scales);
    }
    Buffer upload(const std::vector<float>& values) {
        return upload(std::as_bytes(std::span(values)));
    }
    Buffer upload(const std::vector<std::uint32_t>& values) {
        return upload(std::as_bytes(std::span(values)));
    }
    std::vector<std::uint32_t> download_words(const Buffer& buffer) {
        std::vector<std::uint32_t> words(buffer.size_bytes() / sizeof(std::uint32_t));
        EXPECT_TRUE(device_.download(buffer, 0, std::as_writable_bytes(std::span(words))));
        return words;
    }
    std::vector<float> download(const Buffer& buffer) {
        std::vector<float> values(buffer.size_bytes() / sizeof(float));
        EXPECT_TRUE(device_.download(buffer, 0, std::as_writable_bytes(std::span(values))));
        return values;
    }

    template <typename Args>
    void run(std::span<const std::uint32_t> spirv, std::span<const std::uint32_t> specialization,
             std::initializer_list<const Buffer*> buffers, const Args& args, std::uint32_t x,
             std::uint32_t y = 1, std::uint32_t z = 1) {
        const auto count = static_cast<std::uint32_t>(buffers.size());
        auto pipeline = device_.create_pipeline(spirv, {count, sizeof(Args)}, specialization);
        ASSERT_TRUE(pipeline.has_value()) << pipeline.error().message;
        auto arena = device_.create_descriptor_arena(1, count);
        ASSERT_TRUE(arena.has_value());
        auto set = arena->bind(*pipeline, std::span<const Buffer* const>(buffers.begin(), count));
        ASSERT_TRUE(set.has_value());
        auto list = device_.create_command_list();
        ASSERT_TRUE(list.has_value());
        ASSERT_TRUE(list->begin().has_value());
        list->dispatch(*pipeline, *set, std::as_bytes(std::span(&args, 1)), x, y, z);
        list->barrier();
        ASSERT_TRUE(list->end().has_value());
        auto ran = device_.submit_and_wait(*list);
        ASSERT_TRUE(ran.has_value()) << ran.error().message;
    }

  private:
    vk::VulkanDevice& device_ = shared_device();
};

// A matvec shader and its workgroup shape: rows per workgroup (fewer than the test sizes and not
// dividing them), invocations (several subgroups, one, and fewer than the rows) and tokens.
struct MatVecVariant {
    std::string name;
    std::span<const std::uint32_t> spirv;
    std::uint32_t rows_per_group;
    std::uint32_t group_size;
    std::uint32_t tokens_per_group;

    std::uint32_t groups_for(std::uint64_t rows) const {
        return static_cast<std::uint32_t>((rows + rows_per_group - 1) / rows_per_group);
    }
    std::uint32_t token_groups_for(std::uint32_t tokens) const {
        return (tokens + tokens_per_group - 1) / tokens_per_group;
    }
    std::vector<std::uint32_t> specialization(std::uint32_t format, std::uint32_t mode) const {
        return {format, mode, rows_per_group, group_size, tokens_per_group};
    }
    std::string describe() const {
        return name + " " + std::to_string(rows_per_group) + " rows x " +
               std::to_string(tokens_per_group) + " tokens x " + std::to_string(group_size);
    }
};

// Both matvec shaders: with subgroup arithmetic (lavapipe has it) and the portable one (at most
// 64 invocations); small groups first (they once caught a table left half-filled).
std::vector<MatVecVariant> matvec_variants() {
    struct Shape {
        std::uint32_t rows, group, tokens;
    };
    std::vector<MatVecVariant> variants;
    for (const auto& [name, spirv] :
         {std::pair{"subgroup", spirv::matvec}, std::pair{"portable", spirv::matvec_portable}}) {
        for (const auto [rows, group, tokens] :
             {Shape{8, 4, 1}, Shape{3, 8, 1}, Shape{8, 64, 1}, Shape{2, 128, 1}, Shape{2, 8, 8},
              Shape{4, 32, 4}, Shape{2, 128, 8}}) {
            if (spirv.data() == spirv::matvec_portable.data() &&
                group > ka::matvec_portable_max_group_size) {
                continue;
            }
            variants.push_back({name, spirv, rows, group, tokens});
        }
    }
    return variants;
}

std::vector<MatVecVariant> one_token_variants() {
    auto variants = matvec_variants();
    std::erase_if(variants, [](const MatVecVariant& v) { return v.tokens_per_group != 1; });
    return variants;
}

class VulkanMatVec : public testing::TestWithParam<StoredLayout> {
  protected:
    std::uint64_t cols() const {
        const auto layout = GetParam();
        return layout == StoredLayout::f32 || layout == StoredLayout::f16 ||
                       layout == StoredLayout::bf16
                   ? 70
                   : 96;
    }
    Rig rig_;
    std::mt19937 rng_{static_cast<unsigned>(GetParam()) + 7};
};

TEST_P(VulkanMatVec, ProjectAndProjectAddMatchTheExactDotForEveryToken) {
    const std::uint64_t rows = 67, cols = this->cols();
    const std::uint32_t tokens = 5; // fewer than some token groups hold
    PackedWeight w;
    make_packed_weight(w, GetParam(), 1, rows, cols, rng_);
    const auto bias = normal_values(rows, rng_);
    const Buffer codes = rig_.upload(w.packed.codes), scales = rig_.upload_scales(w.packed),
                 bias_buffer = rig_.upload(bias),
                 route = rig_.upload(std::vector<std::uint32_t>{0, 0});
    const ka::MatVecArgs args{
        static_cast<std::uint32_t>(cols), static_cast<std::uint32_t>(rows), 1, 7.0f, 0, 0};
    for (const auto& variant : matvec_variants())
        for (std::uint32_t mode : {ka::matvec_project, ka::matvec_project_add}) {
            SCOPED_TRACE(variant.describe() + " mode " + std::to_string(mode));
            // The grid covers whole token groups: rows of x and y for all of them.
            const std::uint32_t token_groups = variant.token_groups_for(tokens),
                                covered = token_groups * variant.tokens_per_group;
            const auto x = normal_values(covered * cols, rng_);
            auto start = normal_values(covered * rows + 1, rng_);
            start.back() = poison;
            const Buffer x_buffer = rig_.upload(x), y = rig_.upload(start);
            rig_.run(variant.spirv, variant.specialization(w.packed.format, mode),
                     {&codes, &scales, &bias_buffer, &x_buffer, &y, &route}, args,
                     variant.groups_for(rows), 1, token_groups);
            expect_projected(w, bias, x, start, rig_.download(y), tokens,
                             mode == ka::matvec_project_add);
        }
}

TEST_P(VulkanMatVec, ExpertGateUpAndDownMatchTheCpuOperations) {
    for (const auto& variant : one_token_variants()) {
        SCOPED_TRACE(variant.describe());
        // Three experts; the token chose experts 2 and 0 (in that order) with weights 0.7 and 0.3.
        const std::uint64_t experts = 3, size = 37, cols = this->cols();
        const std::vector<std::uint32_t> route_values = {2, 0, std::bit_cast<std::uint32_t>(0.7f),
                                                         std::bit_cast<std::uint32_t>(0.3f)};
        const Buffer route = rig_.upload(route_values);

        // gate/up: per expert `size` gate rows then `size` up rows.
        PackedWeight gate_up;
        make_packed_weight(gate_up, GetParam(), experts, 2 * size, cols, rng_);
        const auto x = normal_values(cols, rng_),
                   gate_up_bias = normal_values(experts * 2 * size, rng_);
        const Buffer codes = rig_.upload(gate_up.packed.codes),
                     scales = rig_.upload_scales(gate_up.packed), bias = rig_.upload(gate_up_bias),
                     x_buffer = rig_.upload(x);
        std::vector<float> poisoned(2 * size + 1, poison);
        const Buffer activations = rig_.upload(poisoned);
        const auto gate_up_spec =
            variant.specialization(gate_up.packed.format, ka::matvec_expert_gate_up);
        const ka::MatVecArgs gate_up_args{
            static_cast<std::uint32_t>(cols), static_cast<std::uint32_t>(size), 2, 7.0f, 3, 0};
        rig_.run(variant.spirv, gate_up_spec,
                 {&codes, &scales, &bias, &x_buffer, &activations, &route}, gate_up_args,
                 variant.groups_for(size), 1, 2);
        expect_swiglu_rows(gate_up, gate_up_bias, size,
                           {{route_values[0], x.data()}, {route_values[1], x.data()}},
                           rig_.download(activations));

        // down: per expert `rows` rows of `size` columns, summed with the route weights into y.
        const std::uint64_t rows = 67, down_cols = GetParam() == StoredLayout::f32 ? size + 1 : 64;
        PackedWeight down;
        make_packed_weight(down, GetParam(), experts, rows, down_cols, rng_);
        const auto inputs = normal_values(2 * down_cols, rng_),
                   down_bias = normal_values(experts * rows, rng_);
        auto start = normal_values(rows + 1, rng_);
        start[rows] = poison;
        const Buffer down_codes = rig_.upload(down.packed.codes),
                     down_scales = rig_.upload_scales(down.packed),
                     down_bias_buffer = rig_.upload(down_bias), input_buffer = rig_.upload(inputs),
                     y = rig_.upload(start);
        const auto down_spec =
            variant.specialization(down.packed.format, ka::matvec_expert_down_add);
        const ka::MatVecArgs down_args{
            static_cast<std::uint32_t>(down_cols), static_cast<std::uint32_t>(rows), 2, 7.0f, 3, 0};
        rig_.run(variant.spirv, down_spec,
                 {&down_codes, &down_scales, &down_bias_buffer, &input_buffer, &y, &route},
                 down_args, variant.groups_for(rows));
        expect_down_added(
            down, down_bias,
            {{route_values[0], inputs.data()}, {route_values[1], inputs.data() + down_cols}},
            {0.7f, 0.3f}, start, rig_.download(y));
    }
}

TEST_P(VulkanMatVec, GroupedExpertsMatchTheCpuForEveryTokenAndSlot) {
    const BatchRoutes batch;
    const Buffer groups = rig_.upload(batch.groups());
    const std::uint32_t entries = batch.tokens * batch.slots;
    for (const auto& variant : matvec_variants()) {
        SCOPED_TRACE(variant.describe());
        const std::uint32_t token_groups = variant.token_groups_for(batch.tokens);
        // gate/up of each token's h, per expert its gate rows then its up rows.
        const std::uint64_t size = 37, cols = this->cols();
        PackedWeight gate_up;
        make_packed_weight(gate_up, GetParam(), batch.experts, 2 * size, cols, rng_);
        const auto h = normal_values(batch.tokens * cols, rng_),
                   gate_up_bias = normal_values(batch.experts * 2 * size, rng_);
        const Buffer codes = rig_.upload(gate_up.packed.codes),
                     scales = rig_.upload_scales(gate_up.packed), bias = rig_.upload(gate_up_bias),
                     h_buffer = rig_.upload(h),
                     activations = rig_.upload(std::vector<float>(entries * size + 1, poison));
        rig_.run(variant.spirv,
                 variant.specialization(gate_up.packed.format, ka::matvec_expert_gate_up_grouped),
                 {&codes, &scales, &bias, &h_buffer, &activations, &groups},
                 batch.matvec_args(cols, size), variant.groups_for(size), batch.experts,
                 token_groups);
        expect_swiglu_rows(gate_up, gate_up_bias, size, batch.entries(h, cols, false),
                           rig_.download(activations));

        // down of each entry's own row, stored per entry with the expert's bias.
        const std::uint64_t rows = 67, down_cols = GetParam() == StoredLayout::f32 ? size + 1 : 64;
        PackedWeight down;
        make_packed_weight(down, GetParam(), batch.experts, rows, down_cols, rng_);
        const auto inputs = normal_values(entries * down_cols, rng_),
                   down_bias = normal_values(batch.experts * rows, rng_);
        const Buffer down_codes = rig_.upload(down.packed.codes),
                     down_scales = rig_.upload_scales(down.packed),
                     down_bias_buffer = rig_.upload(down_bias), input_buffer = rig_.upload(inputs),
                     out = rig_.upload(std::vector<float>(entries * rows + 1, poison));
        rig_.run(variant.spirv,
                 variant.specialization(down.packed.format, ka::matvec_expert_down_grouped),
                 {&down_codes, &down_scales, &down_bias_buffer, &input_buffer, &out, &groups},
                 batch.matvec_args(down_cols, rows), variant.groups_for(rows), batch.experts,
                 token_groups);
        expect_down_rows(down, down_bias, batch.entries(inputs, down_cols, true),
                         rig_.download(out));
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, VulkanMatVec,
                         testing::Values(StoredLayout::f32, StoredLayout::f16, StoredLayout::bf16,
                                         StoredLayout::q8_0, StoredLayout::mxfp4_gguf,
                                         StoredLayout::mxfp4_checkpoint));

TEST(VulkanKernels, EmbedDecodesEachTokensRowExactly) {
    Rig rig;
    std::mt19937 rng(3);
    for (auto layout : {StoredLayout::bf16, StoredLayout::q8_0, StoredLayout::mxfp4_gguf}) {
        PackedWeight table;
        make_packed_weight(table, layout, 1, 50, 96, rng);
        // Two tokens (41, then 7) on a grid of three rows: the third must stay untouched.
        const Buffer codes = rig.upload(table.packed.codes),
                     scales = rig.upload_scales(table.packed),
                     step = rig.upload(std::vector<std::uint32_t>{5, 2, 41, 7}),
                     x = rig.upload(std::vector<float>(3 * 96 + 1, poison));
        const std::uint32_t specialization[] = {table.packed.format};
        rig.run(spirv::embed, specialization, {&codes, &scales, &step, &x}, ka::EmbedArgs{96}, 2,
                3);
        std::vector<float> expected(2 * 96);
        model::decode_row(table.stored.weight, 0, 41, std::span(expected).first(96));
        model::decode_row(table.stored.weight, 0, 7, std::span(expected).subspan(96));
        expected.resize(3 * 96 + 1, poison);
        EXPECT_EQ(rig.download(x), expected);
    }
}

TEST(VulkanKernels, RmsNormMatchesTheCpuOnEveryRow) {
    Rig rig;
    std::mt19937 rng(4);
    constexpr std::uint32_t rows = 3; // one per token
    for (const std::uint32_t group_size : {64u, 256u})
        for (const std::uint32_t n : {32u, 64u, 2881u}) {
            SCOPED_TRACE(std::to_string(n) + " values, " + std::to_string(group_size) +
                         " invocations");
            const auto x = normal_values(rows * n, rng, 3.0f), gain = normal_values(n, rng);
            const Buffer xs = rig.upload(x), gains = rig.upload(gain),
                         out = rig.upload(std::vector<float>(rows * n + 1, poison));
            const std::uint32_t specialization[] = {group_size};
            rig.run(spirv::rms_norm, specialization, {&xs, &gains, &out}, ka::RmsNormArgs{n, 1e-5f},
                    rows);
            expect_rms_normed(x, gain, rows, n, rig.download(out));
        }
}

TEST(VulkanKernels, RouteChoosesTheCpusExpertsAndWeights) {
    Rig rig;
    std::mt19937 rng(5);
    // More experts than the shader has invocations, too (gpt-oss-120b has 128).
    // Two tokens, each with its own row of logits and of route words.
    for (const std::uint32_t experts : {37u, 130u}) {
        SCOPED_TRACE(std::to_string(experts) + " experts");
        auto logits = normal_values(2 * experts, rng);
        logits[30] = logits[11] = 9.0f; // a tie: the lower index goes first
        logits[experts - 1] = 8.5f;     // the last one is read too
        logits[experts + 5] = 7.0f;
        const Buffer input = rig.upload(logits),
                     route = rig.upload(std::vector<float>(2 * 8 + 1, poison));
        rig.run(spirv::route_experts, {}, {&input, &route}, ka::RouteArgs{experts, 4}, 2);
        expect_routes(logits, experts, rig.download(route));
    }
}

TEST(VulkanKernels, GroupExpertsListsEachExpertsEntriesInTokenOrder) {
    Rig rig;
    const BatchRoutes batch;
    // Five tokens' rows on the device, of which the step counts four: the fifth is left out.
    auto rows = batch.route_rows();
    rows.insert(rows.end(), {0, 0, 0, 0});
    const Buffer route = rig.upload(rows),
                 groups = rig.upload(
                     std::vector<std::uint32_t>(batch.experts * (1 + batch.tokens), 0xFFFFFFFFu)),
                 step = rig.upload(std::vector<std::uint32_t>{9, batch.tokens});
    rig.run(spirv::group_experts, {}, {&route, &groups, &step},
            ka::GroupExpertsArgs{batch.experts, batch.slots, batch.tokens}, 1);
    expect_groups_listed(batch, rig.download_words(groups));
}

TEST(VulkanKernels, ExpertCombineAddsEachTokensWeightedRows) {
    Rig rig;
    std::mt19937 rng(9);
    const BatchRoutes batch;
    const std::uint32_t cols = 70, counted = 3; // the step counts three of the four tokens
    const auto down = normal_values(batch.tokens * batch.slots * cols, rng);
    auto start = normal_values(batch.tokens * cols + 1, rng);
    start.back() = poison;
    const Buffer down_rows = rig.upload(down), route = rig.upload(batch.route_rows()),
                 x = rig.upload(start), step = rig.upload(std::vector<std::uint32_t>{0, counted});
    rig.run(spirv::expert_combine, {}, {&down_rows, &route, &x, &step},
            ka::ExpertCombineArgs{cols, batch.slots}, (cols + 63) / 64, batch.tokens);
    expect_experts_combined(batch, down, start, counted, cols, rig.download(x));
}

class VulkanKvCache : public testing::TestWithParam<bool> {}; // f16 cache?

TEST_P(VulkanKvCache, RopeRotatesQueriesAndWritesRotatedKeysAndValuesIntoTheRing) {
    const bool f16 = GetParam();
    Rig rig;
    std::mt19937 rng(6);
    const auto c = attention_config();
    // Two tokens at positions 13 and 14 (ring slots 3 and 4) on a grid of three tokens: the
    // third (position 15, slot 0) is past the step's count and must write nothing.
    const std::uint32_t capacity = 5, first_position = 13, tokens = 2, positions = 20;
    const std::size_t Q = c.q_size(), KV = c.kv_size(), row = Q + 2 * KV;
    // As the fused projection writes them, per token: the queries, the keys, the values.
    const auto qkv = normal_values(3 * row, rng);
    const auto poisoned = cache_words(std::vector<float>(capacity * KV, poison), f16);
    const Buffer heads = rig.upload(qkv), table = rig.upload(gpu::rope_table(c, positions)),
                 key_cache = rig.upload(poisoned), value_cache = rig.upload(poisoned),
                 step = rig.upload(std::vector<std::uint32_t>{first_position, tokens, 0, 0, 0});
    const std::uint32_t specialization[] = {c.head_dim, f16 ? 1u : 0u};
    rig.run(spirv::rope_kv_write, specialization, {&heads, &table, &key_cache, &value_cache, &step},
            ka::RopeKvArgs{c.head_count, c.kv_head_count, capacity}, c.head_count + c.kv_head_count,
            3);
    expect_rope_kv_written(c, qkv, first_position, tokens, capacity, f16, poisoned,
                           rig.download(heads), rig.download_words(key_cache),
                           rig.download_words(value_cache));
}

TEST_P(VulkanKvCache, AttentionWithSinksAndWindowMatchesTheCpu) {
    const bool f16 = GetParam();
    Rig rig;
    std::mt19937 rng(8);
    const auto c = attention_config();
    const std::uint32_t capacity = 150, tokens = 2;
    const std::size_t Q = c.q_size(), KV = c.kv_size(), row = Q + 2 * KV;
    // Per token a row of the fused projection's output, whose first Q values are the queries.
    const auto qkv = normal_values(tokens * row, rng), sinks = normal_values(c.head_count, rng);
    // The CPU reads what the cache really holds (f16-rounded values when the cache is f16).
    const auto key_words = cache_words(normal_values(capacity * KV, rng), f16);
    const auto value_words = cache_words(normal_values(capacity * KV, rng), f16);
    const auto keys = cache_values(key_words, f16), values = cache_values(value_words, f16);
    const Buffer queries = rig.upload(qkv), key_cache = rig.upload(key_words),
                 value_cache = rig.upload(value_words), sink_buffer = rig.upload(sinks);
    const std::uint32_t specialization[] = {c.head_dim, f16 ? 1u : 0u};
    const float scale = 0.25f;
    const std::uint32_t head_dim[] = {c.head_dim};
    // A full layer in one or several splits per head, and sliding windows over a ring that has
    // wrapped (position 190 > 150); two tokens, the second one position later.
    for (auto [window, position, splits] : attention_cases()) {
        SCOPED_TRACE(std::to_string(window) + " " + std::to_string(position) + " " +
                     std::to_string(splits));
        const Buffer out = rig.upload(std::vector<float>(tokens * Q + 1, poison)),
                     partials = rig.upload(std::vector<float>(
                         tokens * c.head_count * splits * (c.head_dim + 2), poison)),
                     step = rig.upload(std::vector<std::uint32_t>{position, tokens, 0, 0});
        rig.run(spirv::attention_decode, specialization,
                {&queries, &key_cache, &value_cache, &partials, &step},
                ka::AttentionArgs{c.head_count, c.kv_head_count, capacity, window, scale, splits},
                c.head_count, tokens, splits);
        rig.run(spirv::attention_combine, head_dim, {&partials, &sink_buffer, &out},
                ka::AttentionCombineArgs{splits}, c.head_count, tokens);
        expect_attended(c, qkv, keys, values, sinks, capacity, scale, {window, position, splits},
                        tokens, rig.download(out));
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, VulkanKvCache, testing::Values(false, true),
                         [](const auto& param) { return param.param ? "f16" : "f32"; });

} // namespace
