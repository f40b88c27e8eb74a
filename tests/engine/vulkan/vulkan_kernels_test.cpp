// Each forward-pass shader (on lavapipe in CI) against the CPU backend's operations and the exact
// weight decoder, on fresh random inputs, with sizes that are not multiples of the workgroup size
// and outputs poisoned beforehand.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>
#include <random>

#include "backend/cpu/ops.h"
#include "backend/device_sampling.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "backend/vulkan/forward_pipelines.h"
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
// dividing them) and invocations (several subgroups, one, and fewer than the rows); whether it
// reads rows 16 bytes at a time, and whether it decodes MXFP4 codes by bit operations.
struct MatVecVariant {
    std::string name;
    std::span<const std::uint32_t> spirv;
    std::uint32_t rows_per_group;
    std::uint32_t group_size;
    bool wide_units;
    bool fp4_bits = false;

    std::uint32_t groups_for(std::uint64_t rows) const {
        return static_cast<std::uint32_t>((rows + rows_per_group - 1) / rows_per_group);
    }
    // For the products over `m`: wide units only where its rows are whole units, as the host
    // asks for them (ForwardPipelines::matvec_wide_units).
    std::vector<std::uint32_t> specialization(const gpu::PackedMatrix& m, std::uint32_t mode,
                                              bool normalize_input = false,
                                              bool q8_output = false) const {
        const bool wide = wide_units && gpu::rows_are_whole_units(m.format, m.cols);
        return {m.format,
                mode,
                rows_per_group,
                group_size,
                normalize_input ? 1u : 0u,
                wide ? 1u : 0u,
                fp4_bits ? 1u : 0u,
                q8_output ? 1u : 0u};
    }
    std::string describe() const {
        return name + " " + std::to_string(rows_per_group) + " rows x " +
               std::to_string(group_size) + (wide_units ? ", wide units" : "") +
               (fp4_bits ? ", fp4 bits" : "");
    }
};

// Both matvec shaders: with subgroup arithmetic (lavapipe has it) and the portable one (at most
// 64 invocations); small groups first (they once caught a table left half-filled). MXFP4 weights
// are decoded both ways: through the table, and by bit operations.
std::vector<MatVecVariant> matvec_variants(StoredLayout layout) {
    const bool mxfp4 =
        layout == StoredLayout::mxfp4_gguf || layout == StoredLayout::mxfp4_checkpoint;
    struct Shape {
        std::uint32_t rows, group;
    };
    std::vector<MatVecVariant> variants;
    for (const auto& [name, spirv] :
         {std::pair{"subgroup", spirv::matvec}, std::pair{"portable", spirv::matvec_portable}}) {
        for (const auto [rows, group] : {Shape{8, 4}, Shape{3, 8}, Shape{8, 64}, Shape{4, 32},
                                         Shape{2, 128}, Shape{4, 128}, Shape{8, 128}}) {
            if (spirv.data() == spirv::matvec_portable.data() &&
                group > ka::matvec_portable_max_group_size) {
                continue;
            }
            for (const bool wide : {false, true}) {
                variants.push_back({name, spirv, rows, group, wide});
                if (mxfp4) variants.push_back({name, spirv, rows, group, wide, true});
            }
        }
    }
    return variants;
}

std::uint32_t matmul_tiles(std::uint64_t count, std::uint32_t per_tile) {
    return static_cast<std::uint32_t>((count + per_tile - 1) / per_tile);
}

class VulkanMatVec : public testing::TestWithParam<StoredLayout> {
  protected:
    // Rows of whole 16-byte units in every format (so the wide variants run them); most shapes
    // still end in a partial pass of the invocations. The float formats' rows are no multiple
    // of a 32-value block.
    std::uint64_t cols() const {
        const auto layout = GetParam();
        return layout == StoredLayout::f32 || layout == StoredLayout::f16 ||
                       layout == StoredLayout::bf16
                   ? 72
                   : 96;
    }
    Rig rig_;
    std::mt19937 rng_{static_cast<unsigned>(GetParam()) + 7};
};

// A random projection of `rows` x `cols` and its biases on the device, with a step header
// counting `tokens`: what the project modes read.
struct ProjectionInputs {
    PackedWeight w;
    std::vector<float> bias;
    Buffer codes, scales, bias_buffer, step;
    ka::MatVecArgs args;

    ProjectionInputs(Rig& rig, StoredLayout layout, std::uint64_t rows, std::uint64_t cols,
                     std::uint32_t tokens, std::mt19937& rng) {
        make_packed_weight(w, layout, 1, rows, cols, rng);
        bias = normal_values(rows, rng);
        codes = rig.upload(w.packed.codes);
        scales = rig.upload_scales(w.packed);
        bias_buffer = rig.upload(bias);
        step = rig.upload(std::vector<std::uint32_t>{0, tokens});
        args = {static_cast<std::uint32_t>(cols),
                static_cast<std::uint32_t>(rows),
                1,
                test_swiglu_limit,
                0,
                0,
                0.0f};
    }
};

TEST_P(VulkanMatVec, ProjectAndProjectAddMatchTheExactDot) {
    const std::uint64_t rows = 67, cols = this->cols();
    ProjectionInputs p(rig_, GetParam(), rows, cols, 1, rng_);
    for (const auto& variant : matvec_variants(GetParam()))
        for (std::uint32_t mode : {ka::matvec_project, ka::matvec_project_add}) {
            SCOPED_TRACE(variant.describe() + " mode " + std::to_string(mode));
            const auto x = normal_values(cols, rng_);
            auto start = normal_values(rows + 1, rng_);
            start.back() = poison;
            const Buffer x_buffer = rig_.upload(x), y = rig_.upload(start);
            rig_.run(variant.spirv, variant.specialization(p.w.packed, mode),
                     {&p.codes, &p.scales, &p.bias_buffer, &x_buffer, &y, &p.step, &x_buffer,
                      &x_buffer, &x_buffer, &x_buffer},
                     p.args, variant.groups_for(rows));
            expect_projected(p.w, p.bias, x, start, rig_.download(y), 1,
                             mode == ka::matvec_project_add);
        }
}

// Two slots, four (gpt-oss's) and six: more than one pass of the slots that down reads together.
TEST_P(VulkanMatVec, ExpertGateUpAndDownMatchTheCpuOperations) {
    for (const std::uint32_t slots : {2u, 4u, 6u})
        for (const auto& variant : matvec_variants(GetParam())) {
            SCOPED_TRACE(variant.describe() + ", " + std::to_string(slots) + " slots");
            const OneTokenExperts in(GetParam(), cols(), rng_, slots);
            const Buffer route = rig_.upload(in.route);
            // gate/up: per expert `size` gate rows then `size` up rows.
            const Buffer codes = rig_.upload(in.gate_up.packed.codes),
                         scales = rig_.upload_scales(in.gate_up.packed),
                         bias = rig_.upload(in.gate_up_bias), x = rig_.upload(in.x),
                         activations = rig_.upload(std::vector<float>(slots * in.size + 1, poison));
            rig_.run(variant.spirv,
                     variant.specialization(in.gate_up.packed, ka::matvec_expert_gate_up),
                     {&codes, &scales, &bias, &x, &activations, &route, &x, &x, &x, &x},
                     in.gate_up_args(), variant.groups_for(in.size), 1, slots);
            in.expect_gate_up(rig_.download(activations));
            // down: per expert `rows` rows, summed with the route weights into y.
            const Buffer down_codes = rig_.upload(in.down.packed.codes),
                         down_scales = rig_.upload_scales(in.down.packed),
                         down_bias = rig_.upload(in.down_bias), inputs = rig_.upload(in.inputs),
                         y = rig_.upload(in.start);
            rig_.run(variant.spirv,
                     variant.specialization(in.down.packed, ka::matvec_expert_down_add),
                     {&down_codes, &down_scales, &down_bias, &inputs, &y, &route, &inputs, &inputs,
                      &inputs, &inputs},
                     in.down_args(), variant.groups_for(in.rows));
            in.expect_down(rig_.download(y));
        }
}

// One token's products that take their input through an RMSNorm: the plain projection and the
// experts' gate/up, against the CPU's norm followed by the product. x is far from unit scale, so
// a missing 1 / rms(x) cannot pass; an epsilon as large as mean(x^2) cannot be left out either.
TEST_P(VulkanMatVec, NormalizedInputMatchesTheCpuNormThenTheProduct) {
    const std::uint64_t rows = 67, cols = this->cols();
    constexpr float scale = 6.0f, eps = scale * scale;
    ProjectionInputs p(rig_, GetParam(), rows, cols, 1, rng_);
    p.args.norm_eps = eps;
    const auto normalized = [&](const std::vector<float>& x, const std::vector<float>& gain) {
        std::vector<float> out(x.size());
        cpu::rms_norm(x.data(), gain.data(), eps, x.size(), out.data());
        return out;
    };
    for (const auto& variant : matvec_variants(GetParam())) {
        SCOPED_TRACE(variant.describe());
        const auto x = normal_values(cols, rng_, scale), gain = normal_values(cols, rng_);
        const std::vector<float> start(rows + 1, poison);
        const Buffer x_buffer = rig_.upload(x), gain_buffer = rig_.upload(gain),
                     y = rig_.upload(start);
        rig_.run(
            variant.spirv, variant.specialization(p.w.packed, ka::matvec_project, true),
            {&p.codes, &p.scales, &p.bias_buffer, &x_buffer, &y, &p.step, &gain_buffer, &y, &y, &y},
            p.args, variant.groups_for(rows));
        expect_projected(p.w, p.bias, normalized(x, gain), start, rig_.download(y), 1, false);

        OneTokenExperts in(GetParam(), cols, rng_);
        for (float& value : in.x)
            value *= scale;
        const Buffer route = rig_.upload(in.route), codes = rig_.upload(in.gate_up.packed.codes),
                     scales = rig_.upload_scales(in.gate_up.packed),
                     bias = rig_.upload(in.gate_up_bias), expert_x = rig_.upload(in.x),
                     activations = rig_.upload(std::vector<float>(2 * in.size + 1, poison));
        auto args = in.gate_up_args();
        args.norm_eps = eps;
        rig_.run(variant.spirv,
                 variant.specialization(in.gate_up.packed, ka::matvec_expert_gate_up, true),
                 {&codes, &scales, &bias, &expert_x, &activations, &route, &gain_buffer, &route,
                  &route, &route},
                 args, variant.groups_for(in.size), 1, 2);
        in.x = normalized(in.x, gain);
        in.expect_gate_up(rig_.download(activations));
    }
}

// One token's router: its logits (x through the norm, as a step reads it), then the experts
// chosen from them by the workgroup that finished last. More experts than a workgroup has
// invocations, too; the count of workgroups done must be left at zero for the next dispatch,
// which the second round checks.
TEST_P(VulkanMatVec, RouterChoosesTheExpertsOfTheLogitsItWrote) {
    constexpr float eps = 1e-5f;
    const std::uint64_t cols = this->cols();
    // Eight chosen: more than the smallest workgroups' invocations.
    for (const auto& [experts, chosen] : {std::pair{37u, 4u}, std::pair{130u, 8u}}) {
        ProjectionInputs p(rig_, GetParam(), experts, cols, 1, rng_);
        p.args.slots = chosen;
        p.args.norm_eps = eps;
        const std::vector<std::uint32_t> no_arrivals(1, 0);
        const Buffer arrivals = rig_.upload(no_arrivals);
        for (const auto& variant : matvec_variants(GetParam()))
            for (int round = 0; round < 2; ++round) {
                SCOPED_TRACE(variant.describe() + ", " + std::to_string(experts) + " experts");
                const auto x = normal_values(cols, rng_, 3.0f), gain = normal_values(cols, rng_);
                std::vector<float> normalized(cols);
                cpu::rms_norm(x.data(), gain.data(), eps, cols, normalized.data());
                plant_last_expert_first(p.w, normalized, p.bias);
                const std::vector<float> start(experts + 1, poison);
                const Buffer x_buffer = rig_.upload(x), gain_buffer = rig_.upload(gain),
                             bias = rig_.upload(p.bias), logits = rig_.upload(start),
                             route = rig_.upload(std::vector<float>(2 * chosen + 1, poison));
                rig_.run(variant.spirv, variant.specialization(p.w.packed, ka::matvec_route, true),
                         {&p.codes, &p.scales, &bias, &x_buffer, &logits, &route, &gain_buffer,
                          &arrivals},
                         p.args, variant.groups_for(experts));
                const auto written = rig_.download(logits);
                expect_projected(p.w, p.bias, normalized, start, written, 1, false);
                expect_route_of_logits(written, experts, chosen, rig_.download(route));
                ASSERT_EQ(rig_.download_words(arrivals), no_arrivals);
            }
    }
}

// Over int8 x, one token's router also writes gate/up's x as int8 codes: of x through the norm
// when it takes the norm in, else of x as read. Its workgroups share the blocks between them: 40
// experts make 5 to 40 workgroups of 4 to 128 invocations, for 24 blocks (more than the 5 x 4
// invocations of the smallest, whose invocations then take two each). Its logits stay right and
// its count of workgroups done goes back to zero.
TEST_P(VulkanMatVec, RouterWritesTheInt8CodesOfTheXItRead) {
    constexpr float eps = 1e-5f;
    constexpr std::uint32_t experts = 40, chosen = 4;
    const std::uint64_t cols = 24 * 32; // whole blocks, as int8 x has
    ProjectionInputs p(rig_, GetParam(), experts, cols, 1, rng_);
    p.args.slots = chosen;
    p.args.norm_eps = eps;
    const Buffer arrivals = rig_.upload(std::vector<std::uint32_t>(1, 0));
    for (const auto& variant : matvec_variants(GetParam()))
        for (const bool normalize : {true, false}) {
            SCOPED_TRACE(variant.describe() + (normalize ? ", normalizing" : ""));
            const auto x = normal_values(cols, rng_, 3.0f), gain = normal_values(cols, rng_);
            auto read = x;
            if (normalize) cpu::rms_norm(x.data(), gain.data(), eps, cols, read.data());
            const Buffer x_buffer = rig_.upload(x), gain_buffer = rig_.upload(gain),
                         logits = rig_.upload(std::vector<float>(experts + 1, poison)),
                         route = rig_.upload(std::vector<float>(2 * chosen, poison)),
                         codes = rig_.upload(std::vector<float>(cols / 4 + 1, poison)),
                         scales = rig_.upload(std::vector<float>(cols / 32 + 1, poison));
            rig_.run(variant.spirv,
                     variant.specialization(p.w.packed, ka::matvec_route, normalize, true),
                     {&p.codes, &p.scales, &p.bias_buffer, &x_buffer, &logits, &route, &gain_buffer,
                      &arrivals, &codes, &scales},
                     p.args, variant.groups_for(experts));
            // The norm on the device rounds apart from the CPU's by a few units in the last place.
            expect_quantized_q8(read,
                                {.codes = rig_.download_words(codes),
                                 .scales = rig_.download(scales),
                                 .values = {}},
                                normalize ? 4e-6f : 0.0f);
            expect_projected(p.w, p.bias, read, std::vector<float>(experts + 1, poison),
                             rig_.download(logits), 1, false);
            ASSERT_EQ(rig_.download_words(arrivals), std::vector<std::uint32_t>(1, 0));
        }
}

// attention_decode's lanes (attention_decode_lanes): gpt-oss's 8 query heads per KV head take all
// 64 invocations (8 lanes) of a 48 KB workgroup whatever the cache. Shared memory bounds them:
// 2608 bytes beside the lanes (the cache write's 128 floats, 8 x 65 for the scores' padding and
// the merge's 32 splits, a flag), then 2192 a lane (4 positions of 64 keys, 1 padding, 64 values
// and 8 scores). With a head to each KV head, the registers do: a tile of 32 words a cache and
// invocation is 8 lanes of f32 rows, 16 of f16, 30 of q8 (17 words a row).
TEST(VulkanAttentionShape, DecodeLanesFillTheWorkgroupWithinSharedMemoryAndRegisters) {
    model::ModelConfig c;
    c.head_count = 64;
    c.kv_head_count = 8;
    c.head_dim = 64;
    for (const std::uint32_t format : {ka::kv_cache_f32, ka::kv_cache_f16, ka::kv_cache_q8})
        EXPECT_EQ(vk::attention_decode_lanes(c, format, 48 * 1024), 8u) << format;
    EXPECT_EQ(vk::attention_decode_lanes(c, ka::kv_cache_f16, 2608 + 3 * 2192), 3u);
    EXPECT_EQ(vk::attention_decode_lanes(c, ka::kv_cache_f16, 2608 + 2191), 0u);
    c.kv_head_count = 64; // room for 31 lanes of 2080 bytes beside 788
    EXPECT_EQ(vk::attention_decode_lanes(c, ka::kv_cache_f32, 64 * 1024), 8u);
    EXPECT_EQ(vk::attention_decode_lanes(c, ka::kv_cache_f16, 64 * 1024), 16u);
    EXPECT_EQ(vk::attention_decode_lanes(c, ka::kv_cache_q8, 64 * 1024), 30u);
}

// Wide units for the float formats unless asked otherwise, for the block formats only when
// asked, and only where a row is a whole number of 16-byte units.
TEST(VulkanMatVecUnits, RowsAreReadWideByDefaultOrWhenAskedWhereTheyAreWholeUnits) {
    vk::ForwardPipelines pipelines;
    vk::DeviceMatrix m;
    const auto wide = [&](std::uint32_t format, std::uint64_t cols) {
        m.format = format;
        m.cols = cols;
        return pipelines.matvec_wide_units(m);
    };
    EXPECT_TRUE(wide(ka::weight_format_f32, 2880));
    EXPECT_TRUE(wide(ka::weight_format_bf16, 2880));
    EXPECT_FALSE(wide(ka::weight_format_bf16, 70));
    EXPECT_FALSE(wide(ka::weight_format_q8_0, 2880)) << "not asked";
    EXPECT_FALSE(wide(ka::weight_format_mxfp4, 2880)) << "not asked";
    pipelines.tuning.wide_units = false;
    EXPECT_FALSE(wide(ka::weight_format_f32, 2880));
    EXPECT_FALSE(wide(ka::weight_format_bf16, 2880));
    pipelines.tuning.wide_units = true;
    EXPECT_TRUE(wide(ka::weight_format_f16, 72));
    EXPECT_TRUE(wide(ka::weight_format_bf16, 2880));
    EXPECT_FALSE(wide(ka::weight_format_bf16, 70));
    EXPECT_TRUE(wide(ka::weight_format_f32, 4));
    EXPECT_FALSE(wide(ka::weight_format_f32, 70));
    EXPECT_TRUE(wide(ka::weight_format_q8_0, 96));
    EXPECT_TRUE(wide(ka::weight_format_mxfp4, 2880));
}

// The int-dot products are taken only where asked (even where the device does them in
// hardware), and an ask the device cannot meet is refused saying what it lacks.
TEST(VulkanMatVecUnits, IntegerDotProductsAreTakenOnlyWhereAsked) {
    VulkanDeviceInfo info;
    info.name = "Some GPU";
    const auto choose = [&](std::optional<bool> asked, bool subgroup_sums) {
        return vk::choose_int_dot(info, asked, subgroup_sums, "int_dot");
    };
    info.features.integer_dot_product = true;
    info.features.fast_integer_dot_product = true;
    EXPECT_EQ(choose(std::nullopt, true), false) << "not asked";
    EXPECT_EQ(choose(false, true), false);
    EXPECT_EQ(choose(true, true), true);
    info.features.fast_integer_dot_product = false;
    EXPECT_EQ(choose(true, true), true) << "emulated, but asked";
    const auto no_sums = choose(true, false);
    ASSERT_FALSE(no_sums.has_value());
    EXPECT_NE(no_sums.error().message.find("int_dot=1 needs subgroup sums"), std::string::npos);
    info.features = {};
    const auto no_dots = vk::choose_int_dot(info, true, true, "batch_int_dot");
    ASSERT_FALSE(no_dots.has_value());
    EXPECT_NE(no_dots.error().message.find("batch_int_dot=1: Some GPU has no integer dot products"),
              std::string::npos);

    vk::ForwardPipelines pipelines;
    vk::DeviceMatrix m;
    m.format = ka::weight_format_mxfp4;
    EXPECT_FALSE(pipelines.takes_q8(m, false));
    pipelines.int_dot = true;
    EXPECT_TRUE(pipelines.takes_q8(m, false));
    EXPECT_FALSE(pipelines.takes_q8(m, true)) << "a batch's are apart";
    pipelines.batch_int_dot = true;
    EXPECT_TRUE(pipelines.takes_q8(m, true));
    m.format = ka::weight_format_q8_0;
    EXPECT_TRUE(pipelines.takes_q8(m, false));
    m.format = ka::weight_format_bf16;
    EXPECT_FALSE(pipelines.takes_q8(m, false)) << "no 32-value blocks";
    EXPECT_FALSE(pipelines.takes_q8(m, true));
}

// quantize_q8.comp over rows of 32 values to 2,880 (the 20b's), as they are and through the
// RMSNorm: every value within half a step of its code times its block's scale, the largest
// magnitude of each block at code +-127, an all-zero block all zero, the normalized rows the
// CPU's norm, and nothing written past the last row.
TEST(VulkanKernels, QuantizeQ8KeepsEveryValueWithinHalfAStepOfItsCode) {
    Rig rig;
    std::mt19937 rng(9);
    constexpr std::uint32_t rows = 3;
    for (const std::uint32_t group_size : {64u, 256u})
        for (const std::uint32_t n : {32u, 96u, 2880u})
            for (const std::uint32_t normalize : {0u, 1u}) {
                SCOPED_TRACE(std::to_string(n) + " values, " + std::to_string(group_size) +
                             " invocations" + (normalize ? ", normalized" : ""));
                const auto x = quantize_input(rows, n, rng);
                const auto gain = normal_values(n, rng);
                const Buffer xs = rig.upload(x), gains = rig.upload(gain),
                             out = rig.upload(std::vector<float>(rows * n + 1, poison)),
                             codes = rig.upload(std::vector<float>(rows * n / 4 + 1, poison)),
                             scales = rig.upload(std::vector<float>(rows * n / 32 + 1, poison));
                const std::uint32_t specialization[] = {group_size, normalize};
                rig.run(spirv::quantize_q8, specialization, {&xs, &gains, &out, &codes, &scales},
                        ka::RmsNormArgs{n, 1e-5f}, rows);
                const auto normalized = rig.download(out);
                if (normalize) {
                    expect_rms_normed(x, gain, rows, n, normalized);
                } else {
                    EXPECT_EQ(normalized, std::vector<float>(rows * n + 1, poison))
                        << "written without a norm";
                }
                expect_quantized_q8(
                    normalize ? std::vector<float>(normalized.begin(), normalized.end() - 1) : x,
                    {.codes = rig.download_words(codes),
                     .scales = rig.download(scales),
                     .values = {}});
            }
}

// matvec_int_dot.comp: the experts' gate/up and down over int8 x, in both block formats, with
// gpt-oss's 4 slots and 6 (more than down's pass takes), in several workgroup shapes, against the
// CPU's operations on the values the codes stand for (the integer dots are exact, so the CPU's
// tolerance for the float shaders holds).
TEST(VulkanMatVecInt8, ExpertGateUpAndDownOverInt8XMatchTheCpuOperations) {
    Rig rig;
    std::mt19937 rng(11);
    for (const StoredLayout layout : {StoredLayout::q8_0, StoredLayout::mxfp4_gguf})
        for (const std::uint32_t slots : {4u, 6u})
            for (const auto& [rows, group] :
                 {std::pair{8u, 4u}, std::pair{3u, 8u}, std::pair{2u, 128u}, std::pair{1u, 64u}})
                for (const bool wide : {false, true}) {
                    const MatVecVariant variant{"int dot", spirv::matvec_int_dot, rows, group,
                                                wide};
                    SCOPED_TRACE(variant.describe() + ", " + std::to_string(slots) +
                                 " slots, layout " + std::to_string(static_cast<int>(layout)));
                    OneTokenExperts in(layout, 96, rng, slots);
                    const auto x = Int8Rows::random(in.cols, rng);
                    const auto inputs = Int8Rows::random(in.inputs.size(), rng);
                    in.x = x.values;
                    in.inputs = inputs.values;
                    const Buffer route = rig.upload(in.route);
                    const Buffer codes = rig.upload(in.gate_up.packed.codes),
                                 scales = rig.upload_scales(in.gate_up.packed),
                                 bias = rig.upload(in.gate_up_bias), x_codes = rig.upload(x.codes),
                                 x_scales = rig.upload(x.scales),
                                 activations =
                                     rig.upload(std::vector<float>(slots * in.size + 1, poison));
                    auto specialization =
                        variant.specialization(in.gate_up.packed, ka::matvec_expert_gate_up);
                    rig.run(variant.spirv, specialization,
                            {&codes, &scales, &bias, &x_codes, &activations, &route, &x_scales,
                             &x_codes},
                            in.gate_up_args(), variant.groups_for(in.size), 1, slots);
                    in.expect_gate_up(rig.download(activations));
                    const Buffer down_codes = rig.upload(in.down.packed.codes),
                                 down_scales = rig.upload_scales(in.down.packed),
                                 down_bias = rig.upload(in.down_bias),
                                 input_codes = rig.upload(inputs.codes),
                                 input_scales = rig.upload(inputs.scales), y = rig.upload(in.start);
                    specialization =
                        variant.specialization(in.down.packed, ka::matvec_expert_down_add);
                    rig.run(variant.spirv, specialization,
                            {&down_codes, &down_scales, &down_bias, &input_codes, &y, &route,
                             &input_scales, &input_codes, &input_codes, &input_codes},
                            in.down_args(), variant.groups_for(in.rows));
                    in.expect_down(rig.download(y));
                }
}

// Over int8 x, one token's gate/up writes down's x as int8 codes too: the workgroup whose rows
// complete a block of 32 of a slot's output quantizes it and sets the block's count back to
// zero, which the second round needs. Workgroups of 3 rows straddle blocks. Gate/up itself may
// read int8 x (MXFP4, Q8_0) or f32 x (a float format beside a block-format down).
TEST(VulkanMatVecInt8, GateUpWritesTheInt8CodesOfItsOutput) {
    Rig rig;
    std::mt19937 rng(12);
    constexpr std::uint32_t slots = 4, size = 64; // rows per half: whole blocks, as int8 x has
    struct Case {
        StoredLayout layout;
        std::span<const std::uint32_t> spirv;
    };
    for (const auto& [layout, spirv] :
         {Case{StoredLayout::q8_0, spirv::matvec_int_dot},
          Case{StoredLayout::mxfp4_gguf, spirv::matvec_int_dot},
          Case{StoredLayout::bf16, spirv::matvec}, Case{StoredLayout::f32, spirv::matvec_portable}})
        for (const auto& [rows, group] :
             {std::pair{8u, 4u}, std::pair{3u, 8u}, std::pair{2u, 64u}, std::pair{1u, 64u}}) {
            const bool int8_x = spirv.data() == spirv::matvec_int_dot.data();
            const MatVecVariant variant{int8_x ? "int dot" : "f32 x", spirv, rows, group, false};
            const std::vector<std::uint32_t> no_arrivals(slots * size / 32, 0);
            const Buffer arrivals = rig.upload(no_arrivals);
            for (int round = 0; round < 2; ++round) {
                SCOPED_TRACE(variant.describe() + ", layout " +
                             std::to_string(static_cast<int>(layout)) + ", round " +
                             std::to_string(round));
                OneTokenExperts in(layout, 96, rng, slots, size);
                const auto x = Int8Rows::random(in.cols, rng);
                if (int8_x) in.x = x.values;
                const Buffer route = rig.upload(in.route),
                             codes = rig.upload(in.gate_up.packed.codes),
                             scales = rig.upload_scales(in.gate_up.packed),
                             bias = rig.upload(in.gate_up_bias),
                             x_values = int8_x ? rig.upload(x.codes) : rig.upload(in.x),
                             x_scales = rig.upload(x.scales),
                             activations = rig.upload(std::vector<float>(slots * size + 1, poison)),
                             out_codes =
                                 rig.upload(std::vector<float>(slots * size / 4 + 1, poison)),
                             out_scales =
                                 rig.upload(std::vector<float>(slots * size / 32 + 1, poison));
                rig.run(variant.spirv,
                        variant.specialization(in.gate_up.packed, ka::matvec_expert_gate_up, false,
                                               true),
                        {&codes, &scales, &bias, &x_values, &activations, &route, &x_scales,
                         &arrivals, &out_codes, &out_scales},
                        in.gate_up_args(), variant.groups_for(size), 1, slots);
                const auto written = rig.download(activations);
                in.expect_gate_up(written);
                expect_quantized_q8(std::vector<float>(written.begin(), written.end() - 1),
                                    {.codes = rig.download_words(out_codes),
                                     .scales = rig.download(out_scales),
                                     .values = {}});
                ASSERT_EQ(rig.download_words(arrivals), no_arrivals);
            }
        }
}

// matmul.comp over more rows than a tile (and not a multiple of it), more tokens than a tile, and
// several steps along the columns (the float formats ending inside one).
TEST_P(VulkanMatVec, MatmulProjectsEveryTokenOfABatchLikeTheExactDot) {
    const std::uint64_t rows = ka::matmul_tile_rows + 3, cols = this->cols();
    const std::uint32_t tokens = ka::matmul_tile_tokens + 5;
    ProjectionInputs p(rig_, GetParam(), rows, cols, tokens, rng_);
    for (std::uint32_t mode : {ka::matvec_project, ka::matvec_project_add}) {
        SCOPED_TRACE("mode " + std::to_string(mode));
        // One tile of tokens more than the step counts (a short batch), with rows of x and y.
        const std::uint32_t token_tiles = matmul_tiles(tokens, ka::matmul_tile_tokens) + 1,
                            covered = token_tiles * ka::matmul_tile_tokens;
        const auto x = normal_values(covered * cols, rng_);
        auto start = normal_values(covered * rows + 1, rng_);
        start.back() = poison;
        const Buffer x_buffer = rig_.upload(x), y = rig_.upload(start);
        const std::uint32_t specialization[] = {p.w.packed.format, mode};
        rig_.run(spirv::matmul, specialization,
                 {&p.codes, &p.scales, &p.bias_buffer, &x_buffer, &y, &p.step}, p.args,
                 matmul_tiles(rows, gpu::matmul_tile_outputs(mode)), 1, token_tiles);
        const auto result = rig_.download(y);
        expect_projected(p.w, p.bias, x, start, result, tokens, mode == ka::matvec_project_add);
        for (std::size_t i = tokens * rows; i < result.size(); ++i) {
            ASSERT_EQ(result[i], start[i]) << "a token past the step's count, word " << i;
        }
    }
}

// A grouped matmul's x: f32 values, or int8 codes and their scales (matmul_int_dot.comp).
struct MatmulInput {
    Buffer x;
    std::optional<Buffer> scales;
};

// x for a grouped matmul: `values` as they are, or, given `int8_rng`, random codes in their
// place (`values` then holding what the codes stand for).
MatmulInput matmul_input(Rig& rig, std::vector<float>& values, std::mt19937* int8_rng) {
    if (!int8_rng) return {rig.upload(values), std::nullopt};
    auto int8 = Int8Rows::random(values.size(), *int8_rng);
    values = int8.values;
    return {rig.upload(int8.codes), rig.upload(int8.scales)};
}

// The grouped expert products on matmul_grouped_batches (kernel_checks.h), over f32 x or (given
// `int8_rng`) int8 x, against the CPU's operations on the values x holds.
void expect_grouped_matmuls_match_the_cpu(Rig& rig, StoredLayout layout, std::uint64_t cols,
                                          std::mt19937& rng, std::mt19937* int8_rng) {
    constexpr std::uint32_t T = ka::matmul_tile_tokens;
    const std::uint64_t gate_up_tile = gpu::matmul_tile_outputs(ka::matvec_expert_gate_up_grouped),
                        down_tile = gpu::matmul_tile_outputs(ka::matvec_expert_down_grouped);
    const auto spirv = int8_rng ? spirv::matmul_int_dot : spirv::matmul;
    const auto run = [&](std::uint32_t mode, const gpu::PackedMatrix& packed, const Buffer& bias,
                         const MatmulInput& x, const Buffer& out, const Buffer& groups,
                         const ka::MatVecArgs& args, std::uint32_t tiles, std::uint32_t items) {
        const Buffer codes = rig.upload(packed.codes), scales = rig.upload_scales(packed);
        const std::uint32_t specialization[] = {packed.format, mode};
        if (x.scales) {
            rig.run(spirv, specialization,
                    {&codes, &scales, &bias, &x.x, &out, &groups, &*x.scales}, args, tiles, items);
        } else {
            rig.run(spirv, specialization, {&codes, &scales, &bias, &x.x, &out, &groups}, args,
                    tiles, items);
        }
    };
    for (auto& in : matmul_grouped_batches(layout, cols, rng)) {
        SCOPED_TRACE(std::to_string(in.batch.tokens) + " tokens");
        const Buffer groups = rig.upload(in.batch.groups_with_work(T));
        const std::uint32_t work_items = in.batch.work_capacity(T);
        const auto h = matmul_input(rig, in.h, int8_rng);
        const Buffer bias = rig.upload(in.gate_up_bias),
                     activations =
                         rig.upload(std::vector<float>(in.entries() * in.size + 1, poison));
        run(ka::matvec_expert_gate_up_grouped, in.gate_up.packed, bias, h, activations, groups,
            in.batch.matvec_args(in.cols, in.size), matmul_tiles(in.size, gate_up_tile),
            work_items);
        in.expect_gate_up(rig.download(activations));
        const auto inputs = matmul_input(rig, in.inputs, int8_rng);
        const Buffer down_bias = rig.upload(in.down_bias),
                     out = rig.upload(std::vector<float>(in.entries() * in.rows + 1, poison));
        run(ka::matvec_expert_down_grouped, in.down.packed, down_bias, inputs, out, groups,
            in.batch.matvec_args(in.down_cols, in.rows), matmul_tiles(in.rows, down_tile),
            work_items);
        in.expect_down(rig.download(out));
    }
}

TEST_P(VulkanMatVec, MatmulGroupedExpertsMatchTheCpuForEveryTokenAndSlot) {
    expect_grouped_matmuls_match_the_cpu(rig_, GetParam(), cols(), rng_, nullptr);
}

// matmul_int_dot.comp, in both block formats: the integer dots are exact, so the CPU's
// tolerance for the f32 matmul holds.
TEST(VulkanMatmulInt8, GroupedExpertsOverInt8XMatchTheCpuForEveryTokenAndSlot) {
    Rig rig;
    std::mt19937 rng(13), int8_rng(14);
    for (const StoredLayout layout : {StoredLayout::q8_0, StoredLayout::mxfp4_gguf}) {
        SCOPED_TRACE("layout " + std::to_string(static_cast<int>(layout)));
        expect_grouped_matmuls_match_the_cpu(rig, layout, 96, rng, &int8_rng);
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
        const auto logits = planted_router_logits(experts, rng);
        const Buffer input = rig.upload(logits),
                     route = rig.upload(std::vector<float>(2 * 8 + 1, poison));
        rig.run(spirv::route_experts, {}, {&input, &route}, ka::RouteArgs{experts, 4}, 2);
        expect_routes(logits, experts, rig.download(route));
    }
}

// A NaN logit is never chosen over a number (ranked on the logits' bits, so a driver that
// assumes no NaNs cannot make two experts share a slot), and -0 ties +0.
TEST(VulkanKernels, RouteRanksNaNLastAndNegativeZeroAsZero) {
    Rig rig;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> logits = {nan,   1.0f, 5.0f,  3.0f,  -0.0f, 0.0f, 5.0f, nan, // token 0
                                       -0.0f, 0.0f, -1.0f, -2.0f, nan,   nan,  nan,  -3.0f};
    const Buffer input = rig.upload(logits),
                 route = rig.upload(std::vector<float>(2 * 8 + 1, poison));
    rig.run(spirv::route_experts, {}, {&input, &route}, ka::RouteArgs{8, 4}, 2);
    const auto result = rig.download(route);
    const std::uint32_t expected[2][4] = {{2, 6, 3, 1}, {0, 1, 2, 3}};
    const float chosen[2][4] = {{5, 5, 3, 1}, {0, 0, -1, -2}};
    for (std::size_t token = 0; token < 2; ++token) {
        double total = 0;
        for (const float logit : chosen[token])
            total += std::exp(double{logit} - chosen[token][0]);
        for (std::size_t slot = 0; slot < 4; ++slot) {
            EXPECT_EQ(std::bit_cast<std::uint32_t>(result[token * 8 + slot]), expected[token][slot])
                << "token " << token << ", slot " << slot;
            EXPECT_NEAR(result[token * 8 + 4 + slot],
                        std::exp(double{chosen[token][slot]} - chosen[token][0]) / total, 1e-6);
        }
    }
    EXPECT_EQ(result[16], poison);
}

TEST(VulkanKernels, GroupExpertsListsEachExpertsEntriesInTokenOrder) {
    Rig rig;
    const BatchRoutes batch;
    // Five tokens' rows on the device, of which the step counts four: the fifth is left out.
    auto rows = batch.route_rows();
    rows.insert(rows.end(), {0, 0, 0, 0});
    const Buffer route = rig.upload(rows),
                 step = rig.upload(std::vector<std::uint32_t>{9, batch.tokens});
    // Work items of one entry each, and of two: expert 0's two entries make one item.
    for (const std::uint32_t tokens_per_group : {1u, 2u}) {
        SCOPED_TRACE(std::to_string(tokens_per_group) + " entries per work item");
        const auto expected = batch.groups_with_work(tokens_per_group);
        const Buffer groups = rig.upload(std::vector<std::uint32_t>(expected.size(), 0xFFFFFFFFu));
        rig.run(spirv::group_experts, {}, {&route, &groups, &step},
                ka::GroupExpertsArgs{batch.experts, batch.slots, batch.tokens, tokens_per_group},
                1);
        const auto listed = rig.download_words(groups);
        expect_groups_listed(batch, listed);
        const std::size_t work = batch.experts * (1 + batch.tokens);
        ASSERT_EQ(listed[work], expected[work]) << "work items";
        for (std::size_t i = work + 1; i <= work + expected[work]; ++i) {
            EXPECT_EQ(listed[i], expected[i]) << "work item " << i - work - 1;
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
    expect_experts_combined(batch, down, start, counted, cols, rig.download(x));
}

class VulkanKvCache : public testing::TestWithParam<CacheLayout> {};

TEST_P(VulkanKvCache, RopeRotatesQueriesAndWritesRotatedKeysAndValuesIntoTheRing) {
    Rig rig;
    std::mt19937 rng(6);
    const RopeInputs in(GetParam(), rng);
    const auto& c = in.config;
    const Buffer heads = rig.upload(in.qkv), table = rig.upload(gpu::rope_table(c, in.positions)),
                 key_cache = rig.upload(in.poisoned), value_cache = rig.upload(in.poisoned),
                 step =
                     rig.upload(std::vector<std::uint32_t>{in.first_position, in.tokens, 0, 0, 0});
    const std::uint32_t specialization[] = {c.head_dim, static_cast<std::uint32_t>(in.layout)};
    rig.run(spirv::rope_kv_write, specialization, {&heads, &table, &key_cache, &value_cache, &step},
            ka::RopeKvArgs{c.head_count, c.kv_head_count, in.capacity},
            c.head_count + c.kv_head_count, in.grid_tokens);
    in.expect_written(rig.download(heads), rig.download_words(key_cache),
                      rig.download_words(value_cache));
}

// One token's attention: it rotates its queries and key, writes its key and value into the
// cache, attends, and merges its splits with the sinks, all in one dispatch. The shared cases,
// and one over a cache of 1100 positions that takes the most splits (32), whose maxima and sums
// the merge reads several to a lane.
TEST_P(VulkanKvCache, DecodeAttentionWritesItsKeyAndValueThenMatchesTheCpu) {
    Rig rig;
    std::mt19937 rng(8);
    for (const auto& [in, cases, positions] : step_attention_runs(GetParam(), rng)) {
        const auto& c = in.config;
        const std::uint32_t group = c.head_count / c.kv_head_count;
        const Buffer queries = rig.upload(in.qkv), sinks = rig.upload(in.sinks),
                     table = rig.upload(gpu::rope_table(c, positions));
        // One count of finished splits per KV head, kept by every run: each must leave them at
        // zero for the next.
        const std::vector<std::uint32_t> no_arrivals(c.kv_head_count, 0);
        const Buffer arrivals = rig.upload(no_arrivals);
        // 2 and 5 lanes' tiles end inside every range, and 2 read up to 16 splits' maxima a
        // lane; 64 / group lanes give every invocation a head.
        for (const std::uint32_t lanes : {2u, 5u, 64u / group}) {
            const std::uint32_t specialization[] = {
                c.head_dim, static_cast<std::uint32_t>(GetParam()), group, lanes};
            for (const auto& run : cases) {
                SCOPED_TRACE(std::to_string(lanes) + " " + std::to_string(run.window) + " " +
                             std::to_string(run.position) + " " + std::to_string(run.splits));
                const Buffer out = rig.upload(std::vector<float>(c.q_size() + 1, poison)),
                             partials = rig.upload(std::vector<float>(
                                 c.head_count * run.splits * (c.head_dim + 2), stale_partial)),
                             step = rig.upload(std::vector<std::uint32_t>{run.position, 1}),
                             key_cache = rig.upload(in.key_words),
                             value_cache = rig.upload(in.value_words);
                rig.run(spirv::attention_decode, specialization,
                        {&queries, &key_cache, &value_cache, &partials, &step, &sinks, &out,
                         &arrivals, &table},
                        in.args(run), c.kv_head_count, 1, run.splits);
                in.expect_decoded(run, rig.download(out), rig.download_words(key_cache),
                                  rig.download_words(value_cache));
                ASSERT_EQ(rig.download_words(arrivals), no_arrivals);
            }
        }
    }
}

TEST_P(VulkanKvCache, PrefillAttentionOfABatchMatchesTheCpu) {
    Rig rig;
    std::mt19937 rng(12);
    const AttentionInputs in(GetParam(), rng, prefill_attention_tokens);
    const auto& c = in.config;
    const Buffer queries = rig.upload(in.qkv), key_cache = rig.upload(in.key_words),
                 value_cache = rig.upload(in.value_words), sinks = rig.upload(in.sinks);
    const std::uint32_t head_dim[] = {c.head_dim};
    // The grid covers 7 tokens more than the step counts: their partial results and outputs stay
    // poisoned.
    // Tiles of 5 positions end inside every range; 32 is what a GPU gets.
    const std::uint32_t grid_tokens = in.tokens + 7;
    const std::uint32_t rows = grid_tokens * (c.head_count / c.kv_head_count);
    for (const std::uint32_t key_tile : {5u, 32u}) {
        const std::uint32_t specialization[] = {c.head_dim, static_cast<std::uint32_t>(GetParam()),
                                                key_tile};
        for (auto run : prefill_attention_cases()) {
            for (const std::uint32_t splits : {1u, 3u}) {
                run.splits = splits;
                SCOPED_TRACE(std::to_string(key_tile) + " " + std::to_string(run.window) + " " +
                             std::to_string(run.position) + " " + std::to_string(splits));
                const std::size_t per_token = c.head_count * splits * (c.head_dim + 2);
                const Buffer partials =
                                 rig.upload(std::vector<float>(grid_tokens * per_token, poison)),
                             out = rig.upload(
                                 std::vector<float>(grid_tokens * c.q_size() + 1, poison)),
                             step = rig.upload(std::vector<std::uint32_t>{run.position, in.tokens});
                rig.run(spirv::attention_prefill, specialization,
                        {&queries, &key_cache, &value_cache, &partials, &step}, in.args(run),
                        c.kv_head_count, (rows + 63) / 64, splits);
                const auto written = rig.download(partials);
                for (std::size_t i = in.tokens * per_token; i < written.size(); ++i) {
                    ASSERT_EQ(written[i], poison) << "a token past the step's count, " << i;
                }
                rig.run(spirv::attention_combine, head_dim, {&partials, &sinks, &out, &step},
                        ka::AttentionCombineArgs{splits}, c.head_count, grid_tokens);
                auto attended = rig.download(out);
                for (std::size_t i = in.tokens * c.q_size(); i < attended.size(); ++i) {
                    ASSERT_EQ(attended[i], poison) << "combined past the step's count, " << i;
                }
                attended.resize(in.tokens * c.q_size() + 1);
                in.expect_attended(run, attended);
            }
        }
    }
}

// The sampling kernels in turn over a crafted case, in a step of one token at position 40: the id
// picked. sample_cut runs with 64 invocations (fewer than a GPU gets) and with 1024, the most it
// takes. The step moves on to the id picked (0 for none) at position 41.
std::uint32_t sample_on_device(Rig& rig, const SamplingCase& c, std::uint32_t cut_group_size) {
    const auto args = gpu::sample_args(static_cast<std::uint32_t>(c.logits.size()));
    const Buffer input = rig.upload(c.logits), mask = rig.upload(c.excluded),
                 draw = rig.upload(std::vector<float>{c.temperature, c.random, c.top_p, c.min_p}),
                 partials = rig.upload(std::vector<float>(4 * (args.groups + 1), poison)),
                 picked = rig.upload(std::vector<std::uint32_t>{0xDEADBEEFu}),
                 step = rig.upload(std::vector<std::uint32_t>{40, 1, 3});
    const std::uint32_t cut_shape[] = {cut_group_size};
    rig.run(spirv::sample_partials, {}, {&input, &mask, &draw, &partials}, args, args.groups);
    rig.run(spirv::sample_cut, cut_shape, {&input, &mask, &draw, &partials}, args, 1);
    rig.run(spirv::sample_kept, {}, {&input, &mask, &draw, &partials}, args, args.groups);
    rig.run(spirv::sample_pick, {}, {&input, &mask, &draw, &partials, &picked, &step}, args, 1);
    const std::uint32_t id = rig.download_words(picked)[0];
    const std::vector<std::uint32_t> next_step = {41, 1, id < c.logits.size() ? id : 0};
    EXPECT_EQ(rig.download_words(step), next_step) << c.name;
    return id;
}

TEST(VulkanKernels, SamplingPicksWhatEachCraftedCaseMust) {
    Rig rig;
    for (const std::uint32_t cut_group_size : {64u, ka::sample_cut_max_group_size}) {
        for (const auto& c : sampling_cases()) {
            EXPECT_EQ(sample_on_device(rig, c, cut_group_size), c.expected)
                << c.name << ", " << cut_group_size << " invocations cutting";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, VulkanKvCache,
                         testing::Values(CacheLayout::f32, CacheLayout::f16, CacheLayout::q8),
                         [](const auto& param) { return layout_name(param.param); });

} // namespace
