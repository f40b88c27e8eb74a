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
#include "backend/vulkan/rope_table.h"
#include "backend/vulkan/vulkan_device.h"
#include "backend/vulkan/weight_packing.h"
#include "hearth/spirv.h"
#include "kernel_args.h"
#include "model/decode.h"
#include "model/float_formats.h"
#include "random_weights.h"

namespace {

using namespace hearth;
using test::StoredLayout;
using vk::Buffer;
namespace ka = kernel_args;

constexpr float poison = -12345.0f;

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
    Buffer upload_scales(const vk::PackedMatrix& packed) {
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

std::vector<float> normal_values(std::size_t n, std::mt19937& rng, float scale = 1.0f) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

// A random stored weight, repacked for the device as whole stack entries in order.
struct DeviceWeight {
    test::RandomWeight stored;
    vk::PackedMatrix packed;
};

void make_device_weight(DeviceWeight& out, StoredLayout layout, std::uint64_t stack,
                        std::uint64_t rows, std::uint64_t cols, std::mt19937& rng) {
    test::fill_random_weight(out.stored, layout, stack, rows, cols, rng);
    auto format = vk::device_format(out.stored.weight);
    ASSERT_TRUE(format.has_value());
    vk::MatrixPacker packer(*format, stack * rows, cols);
    for (std::uint64_t s = 0; s < stack; ++s) {
        for (std::uint64_t r = 0; r < rows; ++r)
            packer.set_row(s * rows + r, out.stored.weight, s, r);
    }
    out.packed = packer.finish();
}

// Row `row` of stack entry `stack` . x, in double, with the sum of |terms| for a tolerance.
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
    DeviceWeight w;
    make_device_weight(w, GetParam(), 1, rows, cols, rng_);
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
            const auto result = rig_.download(y);
            for (std::uint32_t t = 0; t < tokens; ++t) {
                for (std::uint64_t j = 0; j < rows; ++j) {
                    const auto [dot, magnitude] =
                        exact_dot(w.stored.weight, 0, j, x.data() + t * cols);
                    const double expected =
                        dot + bias[j] +
                        (mode == ka::matvec_project_add ? start[t * rows + j] : 0.0);
                    EXPECT_NEAR(result[t * rows + j], expected,
                                1e-5 * (magnitude + std::abs(expected)) + 1e-6)
                        << "token " << t << " row " << j;
                }
            }
            EXPECT_EQ(result.back(), poison) << "wrote past the last row";
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
        DeviceWeight gate_up;
        make_device_weight(gate_up, GetParam(), experts, 2 * size, cols, rng_);
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
        const auto act = rig_.download(activations);
        for (std::uint64_t slot = 0; slot < 2; ++slot) {
            const std::uint64_t e = route_values[slot];
            for (std::uint64_t j = 0; j < size; ++j) {
                const auto [g, gm] = exact_dot(gate_up.stored.weight, e, j, x.data());
                const auto [u, um] = exact_dot(gate_up.stored.weight, e, size + j, x.data());
                const float expected = cpu::swiglu(
                    static_cast<float>(g) + gate_up_bias[e * 2 * size + j],
                    static_cast<float>(u) + gate_up_bias[e * 2 * size + size + j], 7.0f);
                EXPECT_NEAR(act[slot * size + j], expected,
                            1e-4 * (gm + um + std::abs(expected)) + 1e-6);
            }
        }
        EXPECT_EQ(act[2 * size], poison);

        // down: per expert `rows` rows of `size` columns, summed with the route weights into y.
        const std::uint64_t rows = 67, down_cols = GetParam() == StoredLayout::f32 ? size + 1 : 64;
        DeviceWeight down;
        make_device_weight(down, GetParam(), experts, rows, down_cols, rng_);
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
        const auto result = rig_.download(y);
        const float weights[] = {0.7f, 0.3f};
        for (std::uint64_t j = 0; j < rows; ++j) {
            double expected = start[j], magnitude = std::abs(start[j]);
            for (std::uint64_t slot = 0; slot < 2; ++slot) {
                const std::uint64_t e = route_values[slot];
                const auto [dot, m] =
                    exact_dot(down.stored.weight, e, j, inputs.data() + slot * down_cols);
                expected += weights[slot] * (dot + down_bias[e * rows + j]);
                magnitude += m + std::abs(down_bias[e * rows + j]);
            }
            EXPECT_NEAR(result[j], expected, 1e-5 * magnitude + 1e-6) << j;
        }
        EXPECT_EQ(result[rows], poison);
    }
}

// A batch: per expert, the entries (token * slots + slot) that chose it, as group_experts.comp
// lists them: counts first, then `capacity` entries per expert.
struct BatchRoutes {
    std::uint32_t experts = 3, slots = 2, tokens = 4;
    // Per token, its experts in slot order, and their weights.
    std::vector<std::uint32_t> chosen = {2, 0, 1, 2, 2, 1, 0, 1};
    std::vector<float> weights = {0.7f, 0.3f, 0.6f, 0.4f, 0.9f, 0.1f, 0.5f, 0.5f};

    std::vector<std::uint32_t> groups() const {
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
    // A grouped matvec over this batch (swiglu limit 7).
    ka::MatVecArgs matvec_args(std::uint64_t cols, std::uint64_t rows) const {
        return {static_cast<std::uint32_t>(cols),
                static_cast<std::uint32_t>(rows),
                slots,
                7.0f,
                experts,
                tokens};
    }
    // Per token: its expert ids, then its weights (f32 bits): route_experts.comp's rows.
    std::vector<std::uint32_t> route_rows() const {
        std::vector<std::uint32_t> out;
        for (std::uint32_t t = 0; t < tokens; ++t) {
            for (std::uint32_t s = 0; s < slots; ++s)
                out.push_back(chosen[t * slots + s]);
            for (std::uint32_t s = 0; s < slots; ++s)
                out.push_back(std::bit_cast<std::uint32_t>(weights[t * slots + s]));
        }
        return out;
    }
};

TEST_P(VulkanMatVec, GroupedExpertsMatchTheCpuForEveryTokenAndSlot) {
    const BatchRoutes batch;
    const Buffer groups = rig_.upload(batch.groups());
    const std::uint32_t entries = batch.tokens * batch.slots;
    for (const auto& variant : matvec_variants()) {
        SCOPED_TRACE(variant.describe());
        const std::uint32_t token_groups = variant.token_groups_for(batch.tokens);
        // gate/up of each token's h, per expert its gate rows then its up rows.
        const std::uint64_t size = 37, cols = this->cols();
        DeviceWeight gate_up;
        make_device_weight(gate_up, GetParam(), batch.experts, 2 * size, cols, rng_);
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
        const auto act = rig_.download(activations);
        for (std::uint32_t entry = 0; entry < entries; ++entry) {
            const std::uint64_t e = batch.chosen[entry];
            const float* x = h.data() + (entry / batch.slots) * cols;
            for (std::uint64_t j = 0; j < size; ++j) {
                const auto [g, gm] = exact_dot(gate_up.stored.weight, e, j, x);
                const auto [u, um] = exact_dot(gate_up.stored.weight, e, size + j, x);
                const float expected = cpu::swiglu(
                    static_cast<float>(g) + gate_up_bias[e * 2 * size + j],
                    static_cast<float>(u) + gate_up_bias[e * 2 * size + size + j], 7.0f);
                EXPECT_NEAR(act[entry * size + j], expected,
                            1e-4 * (gm + um + std::abs(expected)) + 1e-6)
                    << "entry " << entry << " row " << j;
            }
        }
        EXPECT_EQ(act[entries * size], poison);

        // down of each entry's own row, stored per entry with the expert's bias.
        const std::uint64_t rows = 67, down_cols = GetParam() == StoredLayout::f32 ? size + 1 : 64;
        DeviceWeight down;
        make_device_weight(down, GetParam(), batch.experts, rows, down_cols, rng_);
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
        const auto result = rig_.download(out);
        for (std::uint32_t entry = 0; entry < entries; ++entry) {
            const std::uint64_t e = batch.chosen[entry];
            for (std::uint64_t j = 0; j < rows; ++j) {
                const auto [dot, m] =
                    exact_dot(down.stored.weight, e, j, inputs.data() + entry * down_cols);
                const double expected = dot + down_bias[e * rows + j];
                EXPECT_NEAR(result[entry * rows + j], expected,
                            1e-5 * (m + std::abs(expected)) + 1e-6)
                    << "entry " << entry << " row " << j;
            }
        }
        EXPECT_EQ(result[entries * rows], poison);
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
        DeviceWeight table;
        make_device_weight(table, layout, 1, 50, 96, rng);
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
            std::vector<float> expected(rows * n);
            for (std::uint32_t r = 0; r < rows; ++r)
                cpu::rms_norm(x.data() + r * n, gain.data(), 1e-5f, n, expected.data() + r * n);
            const auto result = rig.download(out);
            for (std::size_t i = 0; i < rows * n; ++i)
                EXPECT_NEAR(result[i], expected[i], 1e-5f * std::abs(expected[i]) + 1e-6f) << i;
            EXPECT_EQ(result[rows * n], poison);
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
        const auto result = rig.download(route);
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
    const auto listed = rig.download_words(groups);
    const auto expected = batch.groups();
    for (std::uint32_t e = 0; e < batch.experts; ++e) {
        ASSERT_EQ(listed[e], expected[e]) << "expert " << e;
        for (std::uint32_t i = 0; i < expected[e]; ++i) {
            const std::size_t at = batch.experts + e * batch.tokens + i;
            EXPECT_EQ(listed[at], expected[at]) << "expert " << e << " entry " << i;
        }
    }
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
    const auto result = rig.download(x);
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

// The KV cache as the shaders lay it out: f32 bits, or f16 pairs (rounded to nearest).
std::vector<std::uint32_t> cache_words(const std::vector<float>& values, bool f16) {
    std::vector<std::uint32_t> words;
    if (!f16) {
        for (float v : values)
            words.push_back(std::bit_cast<std::uint32_t>(v));
        return words;
    }
    for (std::size_t i = 0; i < values.size(); i += 2) {
        const auto low = std::bit_cast<std::uint16_t>(static_cast<_Float16>(values[i]));
        const auto high = std::bit_cast<std::uint16_t>(static_cast<_Float16>(values[i + 1]));
        words.push_back(low | (std::uint32_t{high} << 16));
    }
    return words;
}

std::vector<float> cache_values(const std::vector<std::uint32_t>& words, bool f16) {
    std::vector<float> values;
    for (std::uint32_t w : words) {
        if (!f16) {
            values.push_back(std::bit_cast<float>(w));
            continue;
        }
        values.push_back(model::f16_to_float(static_cast<std::uint16_t>(w & 0xFFFF)));
        values.push_back(model::f16_to_float(static_cast<std::uint16_t>(w >> 16)));
    }
    return values;
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
    const Buffer heads = rig.upload(qkv), table = rig.upload(vk::rope_table(c, positions)),
                 key_cache = rig.upload(poisoned), value_cache = rig.upload(poisoned),
                 step = rig.upload(std::vector<std::uint32_t>{first_position, tokens, 0, 0, 0});
    const std::uint32_t specialization[] = {c.head_dim, f16 ? 1u : 0u};
    rig.run(spirv::rope_kv_write, specialization, {&heads, &table, &key_cache, &value_cache, &step},
            ka::RopeKvArgs{c.head_count, c.kv_head_count, capacity}, c.head_count + c.kv_head_count,
            3);
    const cpu::YarnRope rope(c);
    const auto rotated = rig.download(heads);
    const auto cached_keys = cache_values(rig.download_words(key_cache), f16);
    const auto cached_values = cache_values(rig.download_words(value_cache), f16);
    // f16 keeps 11 significant bits: a relative error of at most 2^-11.
    const float relative = f16 ? 1.0f / 2048 : 0.0f;
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
            EXPECT_NEAR(cached_keys[slot * KV + i], expected_k[i],
                        relative * std::abs(expected_k[i]) + 1e-6f)
                << i;
            const float v = q[Q + KV + i];
            EXPECT_NEAR(cached_values[slot * KV + i], v, relative * std::abs(v)) << i;
        }
    }
    EXPECT_EQ(std::vector<float>(rotated.begin() + 2 * row, rotated.end()),
              std::vector<float>(qkv.begin() + 2 * row, qkv.end()))
        << "the token past the count is left alone";
    const auto untouched = cache_values(poisoned, f16);
    for (std::uint32_t slot : {0u, 1u, 2u}) {
        EXPECT_EQ(cached_keys[slot * KV], untouched[0]) << "only the tokens' slots, not " << slot;
        EXPECT_EQ(cached_values[slot * KV], untouched[0]) << slot;
    }
}

TEST_P(VulkanKvCache, AttentionWithSinksAndWindowMatchesTheCpu) {
    const bool f16 = GetParam();
    Rig rig;
    std::mt19937 rng(8);
    const auto c = attention_config();
    const std::uint32_t capacity = 150, tokens = 2;
    const std::size_t Q = c.q_size(), KV = c.kv_size(), D = c.head_dim, row = Q + 2 * KV;
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
    struct Case {
        std::uint32_t window, position, splits;
    };
    for (auto [window, position, splits] :
         {Case{0, 140, 1}, Case{0, 140, 3}, Case{0, 2, 5}, Case{7, 190, 1}, Case{128, 190, 4}}) {
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
        const auto result = rig.download(out);
        for (std::uint32_t t = 0; t < tokens; ++t) {
            const std::uint32_t at = position + t;
            const std::uint32_t first = window != 0 && at >= window ? at - window + 1 : 0;
            std::vector<float> scores(at - first + 1), expected(D);
            for (std::size_t h = 0; h < c.head_count; ++h) {
                const std::size_t offset = (h / (c.head_count / c.kv_head_count)) * D;
                auto key = [&](std::uint32_t u) {
                    return keys.data() + (u % capacity) * KV + offset;
                };
                auto value = [&](std::uint32_t u) {
                    return values.data() + (u % capacity) * KV + offset;
                };
                cpu::attend(qkv.data() + t * row + h * D, first, at, key, value, sinks[h], scale,
                            c.head_dim, scores.data(), expected.data());
                for (std::size_t d = 0; d < D; ++d) {
                    EXPECT_NEAR(result[t * Q + h * D + d], expected[d], 1e-5f)
                        << "token " << t << " head " << h << " " << d;
                }
            }
        }
        EXPECT_EQ(result[tokens * Q], poison);
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, VulkanKvCache, testing::Values(false, true),
                         [](const auto& param) { return param.param ? "f16" : "f32"; });

} // namespace
