// Each CUDA kernel against the CPU backend's operations and the exact weight decoder
// (kernel_checks.h, shared with the Vulkan tests), on fresh random inputs, with sizes that are not
// multiples of the block or warp shapes and outputs poisoned beforehand. Runs where an NVIDIA GPU
// and driver exist; elsewhere every test here reports itself skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>

#include "backend/cpu/ops.h"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_device.h"
#include "backend/cuda/kernel_names.h"
#include "backend/cuda/kernels/launch_shapes.h"
#include "backend/device_sampling.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "cuda/cuda_gpu.h"
#include "kernel_checks.h"
#include "model/decode.h"

namespace {

using namespace hearth;
using namespace hearth::test;
using cuda::CudaDevice;
using cuda::DeviceBuffer;
using cuda::LaunchShape;
namespace ka = kernel_args;
namespace shapes = cuda::shapes;

[[noreturn]] void die_with(const Error& error) {
    std::fprintf(stderr, "CUDA test rig: %s: %s\n", error.message.c_str(), error.detail.c_str());
    std::abort();
}

// One device for the whole program, opened by the first test that found a usable GPU (so the
// driver loads and lists it); without it nothing here can run, so the program stops.
CudaDevice& shared_device() {
    static std::unique_ptr<CudaDevice> device = [] {
        auto driver = cuda::CudaDriver::load();
        if (!driver) die_with(driver.error());
        const auto verdict = cuda::judge_cuda(probe_cuda(), cuda::built_cuda_kernels());
        auto opened =
            CudaDevice::open(std::move(*driver), verdict.ordinal, cuda::embedded_fatbin());
        if (!opened) die_with(opened.error());
        return std::move(*opened);
    }();
    return *device;
}

// The plumbing to run a single kernel on the shared device and read what it wrote.
class Rig {
  public:
    template <typename T>
    DeviceBuffer upload(const std::vector<T>& values) {
        auto buffer = device_.allocate(values.size() * sizeof(T));
        EXPECT_TRUE(buffer.has_value());
        EXPECT_TRUE(device_.upload(*buffer, std::as_bytes(std::span(values))).has_value());
        return std::move(*buffer);
    }
    template <typename T = float>
    std::vector<T> download(const DeviceBuffer& buffer) {
        std::vector<T> values(buffer.size_bytes() / sizeof(T));
        EXPECT_TRUE(device_.download_async(std::as_writable_bytes(std::span(values)), buffer));
        EXPECT_TRUE(device_.synchronize().has_value());
        return values;
    }
    template <typename... Args>
    void run(const std::string& kernel, LaunchShape shape, Args... args) {
        auto launched = device_.launch(kernel, shape, args...);
        ASSERT_TRUE(launched.has_value()) << launched.error().message << launched.error().detail;
        auto ran = device_.synchronize();
        ASSERT_TRUE(ran.has_value()) << ran.error().message << ": " << ran.error().detail;
    }

  private:
    CudaDevice& device_ = shared_device();
};

unsigned blocks(std::uint64_t items, std::uint64_t per_block) {
    return static_cast<unsigned>((items + per_block - 1) / per_block);
}

constexpr unsigned matvec_threads = shapes::matvec_warps * 32;

class CudaMatVec : public testing::TestWithParam<StoredLayout> {
  protected:
    void SetUp() override { HEARTH_REQUIRE_CUDA_GPU(); }
    // Widths that are not a multiple of the warp (nor of a matmul step) for the formats that
    // allow it.
    std::uint64_t cols() const {
        const auto layout = GetParam();
        return layout == StoredLayout::f32 || layout == StoredLayout::f16 ||
                       layout == StoredLayout::bf16
                   ? 70
                   : 96;
    }
    void expect_project_and_project_add(std::uint64_t cols);
    std::mt19937 rng_{static_cast<unsigned>(GetParam()) + 7};
};

// At the narrow width, and at one where some of a block's threads take a second share of a
// row's columns (words, or 32-value blocks).
TEST_P(CudaMatVec, ProjectAndProjectAddMatchTheExactDot) {
    const std::uint64_t wide = cols() == 70 ? 2 * matvec_threads + 6 : 32 * (matvec_threads + 2);
    for (const std::uint64_t cols : {std::uint64_t{cols()}, wide}) {
        SCOPED_TRACE(std::to_string(cols) + " columns");
        expect_project_and_project_add(cols);
    }
}

void CudaMatVec::expect_project_and_project_add(std::uint64_t cols) {
    Rig rig;
    const std::uint64_t rows = 67;
    PackedWeight w;
    make_packed_weight(w, GetParam(), 1, rows, cols, rng_);
    const auto bias = normal_values(rows, rng_);
    const DeviceBuffer codes = rig.upload(w.packed.codes), scales = rig.upload(w.packed.scales),
                       bias_buffer = rig.upload(bias),
                       route = rig.upload(std::vector<std::uint32_t>{0, 0});
    const ka::MatVecArgs args{static_cast<std::uint32_t>(cols),
                              static_cast<std::uint32_t>(rows),
                              1,
                              test_swiglu_limit,
                              0,
                              0,
                              0.0f};
    for (std::uint32_t mode : {ka::matvec_project, ka::matvec_project_add}) {
        const std::string kernel = cuda::matvec_kernel_name(w.packed.format, mode);
        SCOPED_TRACE(kernel);
        const auto x = normal_values(cols, rng_);
        auto start = normal_values(rows + 1, rng_);
        start.back() = poison;
        const DeviceBuffer x_buffer = rig.upload(x), y = rig.upload(start);
        rig.run(kernel, {shapes::matvec_blocks(rows), 1, 1, matvec_threads}, codes.address(),
                scales.address(), bias_buffer.address(), x_buffer.address(), y.address(),
                route.address(), args);
        expect_projected(w, bias, x, start, rig.download(y), 1, mode == ka::matvec_project_add);
    }
}

// A batch's matmul over more rows than a tile (and not a multiple of it), more tokens than a
// tile, and several steps along the columns (the float formats ending inside one).
TEST_P(CudaMatVec, MatmulProjectsEveryTokenOfABatchLikeTheExactDot) {
    Rig rig;
    const std::uint64_t rows = ka::matmul_tile_rows + 3, cols = this->cols();
    const std::uint32_t tokens = ka::matmul_tile_tokens + 5;
    PackedWeight w;
    make_packed_weight(w, GetParam(), 1, rows, cols, rng_);
    const auto bias = normal_values(rows, rng_);
    const DeviceBuffer codes = rig.upload(w.packed.codes), scales = rig.upload(w.packed.scales),
                       bias_buffer = rig.upload(bias),
                       step = rig.upload(std::vector<std::uint32_t>{3, tokens});
    const ka::MatVecArgs args{static_cast<std::uint32_t>(cols),
                              static_cast<std::uint32_t>(rows),
                              1,
                              test_swiglu_limit,
                              0,
                              0,
                              0.0f};
    for (std::uint32_t mode : {ka::matvec_project, ka::matvec_project_add}) {
        const std::string kernel = cuda::matmul_kernel_name(w.packed.format, mode);
        SCOPED_TRACE(kernel);
        // One tile of tokens more than the step counts (a short batch), with rows of x and y.
        const unsigned token_tiles = blocks(tokens, ka::matmul_tile_tokens) + 1,
                       covered = token_tiles * ka::matmul_tile_tokens;
        const auto x = normal_values(covered * cols, rng_);
        auto start = normal_values(covered * rows + 1, rng_);
        start.back() = poison;
        const DeviceBuffer x_buffer = rig.upload(x), y = rig.upload(start);
        rig.run(
            kernel,
            {blocks(rows, gpu::matmul_tile_outputs(mode)), 1, token_tiles, ka::matmul_invocations},
            codes.address(), scales.address(), bias_buffer.address(), x_buffer.address(),
            y.address(), step.address(), args);
        const auto result = rig.download(y);
        expect_projected(w, bias, x, start, result, tokens, mode == ka::matvec_project_add);
        for (std::size_t i = tokens * rows; i < result.size(); ++i) {
            ASSERT_EQ(result[i], start[i]) << "a token past the step's count, word " << i;
        }
    }
}

TEST_P(CudaMatVec, ExpertGateUpAndDownMatchTheCpuOperations) {
    Rig rig;
    const OneTokenExperts in(GetParam(), cols(), rng_);
    const DeviceBuffer route = rig.upload(in.route);
    // gate/up: per expert `size` gate rows then `size` up rows; z: the slot.
    const DeviceBuffer codes = rig.upload(in.gate_up.packed.codes),
                       scales = rig.upload(in.gate_up.packed.scales),
                       bias = rig.upload(in.gate_up_bias), x = rig.upload(in.x),
                       activations = rig.upload(std::vector<float>(2 * in.size + 1, poison));
    rig.run(cuda::matvec_kernel_name(in.gate_up.packed.format, ka::matvec_expert_gate_up),
            {shapes::matvec_blocks(in.size), 1, 2, matvec_threads}, codes.address(),
            scales.address(), bias.address(), x.address(), activations.address(), route.address(),
            in.gate_up_args());
    in.expect_gate_up(rig.download(activations));
    // down: per expert `rows` rows, summed with the route weights into y.
    const DeviceBuffer down_codes = rig.upload(in.down.packed.codes),
                       down_scales = rig.upload(in.down.packed.scales),
                       down_bias = rig.upload(in.down_bias), inputs = rig.upload(in.inputs),
                       y = rig.upload(in.start);
    rig.run(cuda::matvec_kernel_name(in.down.packed.format, ka::matvec_expert_down_add),
            {shapes::matvec_blocks(in.rows), 1, 1, matvec_threads}, down_codes.address(),
            down_scales.address(), down_bias.address(), inputs.address(), y.address(),
            route.address(), in.down_args());
    in.expect_down(rig.download(y));
}

// One token's products that take their input through an RMSNorm (matvec_norm_*): the plain
// projection and the experts' gate/up, at the narrow width and one where some threads take a
// second share, against the CPU's norm followed by the product. x is far from unit scale, so a
// missing 1 / rms(x) cannot pass; an epsilon as large as mean(x^2) cannot be left out either.
TEST_P(CudaMatVec, NormalizedInputMatchesTheCpuNormThenTheProduct) {
    Rig rig;
    constexpr float scale = 6.0f, eps = scale * scale;
    const std::uint64_t rows = 67;
    const std::uint64_t wide = cols() == 70 ? 2 * matvec_threads + 6 : 32 * (matvec_threads + 2);
    const auto normalized = [&](const std::vector<float>& x, const std::vector<float>& gain) {
        std::vector<float> out(x.size());
        cpu::rms_norm(x.data(), gain.data(), eps, x.size(), out.data());
        return out;
    };
    for (const std::uint64_t cols : {std::uint64_t{cols()}, wide}) {
        SCOPED_TRACE(std::to_string(cols) + " columns");
        PackedWeight w;
        make_packed_weight(w, GetParam(), 1, rows, cols, rng_);
        const auto bias = normal_values(rows, rng_), x = normal_values(cols, rng_, scale),
                   gain = normal_values(cols, rng_);
        const std::vector<float> start(rows + 1, poison);
        const DeviceBuffer codes = rig.upload(w.packed.codes), scales = rig.upload(w.packed.scales),
                           bias_buffer = rig.upload(bias), x_buffer = rig.upload(x),
                           gain_buffer = rig.upload(gain), y = rig.upload(start),
                           step = rig.upload(std::vector<std::uint32_t>{0, 0});
        const ka::MatVecArgs args{static_cast<std::uint32_t>(cols),
                                  static_cast<std::uint32_t>(rows),
                                  1,
                                  test_swiglu_limit,
                                  0,
                                  0,
                                  eps};
        rig.run(cuda::matvec_kernel_name(w.packed.format, ka::matvec_project,
                                         cuda::MatVecX::normalized),
                {shapes::matvec_blocks(rows), 1, 1, matvec_threads}, codes.address(),
                scales.address(), bias_buffer.address(), x_buffer.address(), gain_buffer.address(),
                y.address(), step.address(), args);
        expect_projected(w, bias, normalized(x, gain), start, rig.download(y), 1, false);

        OneTokenExperts in(GetParam(), cols, rng_);
        for (float& value : in.x)
            value *= scale;
        const auto expert_gain = normal_values(cols, rng_);
        const DeviceBuffer route = rig.upload(in.route),
                           expert_codes = rig.upload(in.gate_up.packed.codes),
                           expert_scales = rig.upload(in.gate_up.packed.scales),
                           expert_bias = rig.upload(in.gate_up_bias), expert_x = rig.upload(in.x),
                           expert_gain_buffer = rig.upload(expert_gain),
                           activations = rig.upload(std::vector<float>(2 * in.size + 1, poison));
        auto expert_args = in.gate_up_args();
        expert_args.norm_eps = eps;
        rig.run(cuda::matvec_kernel_name(in.gate_up.packed.format, ka::matvec_expert_gate_up,
                                         cuda::MatVecX::normalized),
                {shapes::matvec_blocks(in.size), 1, 2, matvec_threads}, expert_codes.address(),
                expert_scales.address(), expert_bias.address(), expert_x.address(),
                expert_gain_buffer.address(), activations.address(), route.address(), expert_args);
        in.x = normalized(in.x, expert_gain);
        in.expect_gate_up(rig.download(activations));
    }
}

// One token's router through the MLP's norm (matvec_norm_<format>_route): its logits, then the
// experts chosen from them by the block that finished last, more experts than a block has threads
// too; and ..._quantizing, which also writes the normalized x's int8 codes, shared out between
// 10 and 33 blocks (so some have none at the narrowest width). The count of blocks done must be
// left at zero for the next launch, which the second round checks.
TEST_P(CudaMatVec, RouterChoosesTheExpertsOfTheLogitsItWrote) {
    Rig rig;
    constexpr float eps = 1e-5f;
    const std::uint64_t cols = this->cols();
    const DeviceBuffer arrivals = rig.upload(std::vector<std::uint32_t>{0});
    for (const auto& [experts, chosen] : {std::pair{37u, 4u}, std::pair{130u, 8u}})
        for (const bool quantizing : {false, true})
            for (int round = 0; round < 2; ++round) {
                SCOPED_TRACE(std::to_string(experts) + " experts" +
                             (quantizing ? ", quantizing" : ""));
                PackedWeight w;
                make_packed_weight(w, GetParam(), 1, experts, cols, rng_);
                const auto x = normal_values(cols, rng_, 3.0f), gain = normal_values(cols, rng_);
                auto read = x;
                cpu::rms_norm(x.data(), gain.data(), eps, cols, read.data());
                auto bias = normal_values(experts, rng_);
                plant_last_expert_first(w, read, bias);
                const std::vector<float> start(experts + 1, poison);
                const DeviceBuffer codes = rig.upload(w.packed.codes),
                                   scales = rig.upload(w.packed.scales),
                                   bias_buffer = rig.upload(bias), x_buffer = rig.upload(x),
                                   gain_buffer = rig.upload(gain), logits = rig.upload(start),
                                   route = rig.upload(std::vector<float>(2 * chosen + 1, poison)),
                                   x_codes = rig.upload(std::vector<float>(cols / 4 + 1, poison)),
                                   x_scales = rig.upload(std::vector<float>(cols / 32 + 1, poison));
                const ka::MatVecArgs args{static_cast<std::uint32_t>(cols),
                                          experts,
                                          chosen,
                                          test_swiglu_limit,
                                          0,
                                          0,
                                          eps};
                const LaunchShape shape{shapes::matvec_blocks(experts), 1, 1, matvec_threads};
                const auto name = cuda::matvec_kernel_name(w.packed.format, ka::matvec_route,
                                                           cuda::MatVecX::normalized);
                if (quantizing) {
                    rig.run(name + "_quantizing", shape, codes.address(), scales.address(),
                            bias_buffer.address(), x_buffer.address(), gain_buffer.address(),
                            logits.address(), route.address(), arrivals.address(),
                            x_codes.address(), x_scales.address(), args);
                    // The norm on the device rounds apart from the CPU's by a few units in the
                    // last place.
                    expect_quantized_q8(read,
                                        {.codes = rig.download<std::uint32_t>(x_codes),
                                         .scales = rig.download(x_scales),
                                         .values = {}},
                                        4e-6f);
                } else {
                    rig.run(name, shape, codes.address(), scales.address(), bias_buffer.address(),
                            x_buffer.address(), gain_buffer.address(), logits.address(),
                            route.address(), arrivals.address(), args);
                }
                const auto written = rig.download(logits);
                expect_projected(w, bias, read, start, written, 1, false);
                expect_route_of_logits(written, experts, chosen, rig.download(route));
                ASSERT_EQ(rig.download<std::uint32_t>(arrivals), std::vector<std::uint32_t>{0});
            }
}

// The batch's grouped expert matmuls on matmul_grouped_batches (kernel_checks.h).
TEST_P(CudaMatVec, MatmulGroupedExpertsMatchTheCpuForEveryTokenAndSlot) {
    Rig rig;
    constexpr std::uint32_t T = ka::matmul_tile_tokens;
    const std::uint64_t gate_up_tile = gpu::matmul_tile_outputs(ka::matvec_expert_gate_up_grouped),
                        down_tile = gpu::matmul_tile_outputs(ka::matvec_expert_down_grouped);
    for (const auto& in : matmul_grouped_batches(GetParam(), cols(), rng_)) {
        SCOPED_TRACE(std::to_string(in.batch.tokens) + " tokens");
        const DeviceBuffer groups = rig.upload(in.batch.groups());
        // y: the expert; z: tiles of its entries (a token chooses an expert at most once).
        const unsigned entry_tiles = blocks(in.batch.tokens, T);
        const DeviceBuffer codes = rig.upload(in.gate_up.packed.codes),
                           scales = rig.upload(in.gate_up.packed.scales),
                           bias = rig.upload(in.gate_up_bias), h = rig.upload(in.h),
                           activations =
                               rig.upload(std::vector<float>(in.entries() * in.size + 1, poison));
        rig.run(
            cuda::matmul_kernel_name(in.gate_up.packed.format, ka::matvec_expert_gate_up_grouped),
            {blocks(in.size, gate_up_tile), in.batch.experts, entry_tiles, ka::matmul_invocations},
            codes.address(), scales.address(), bias.address(), h.address(), activations.address(),
            groups.address(), in.batch.matvec_args(in.cols, in.size));
        in.expect_gate_up(rig.download(activations));
        const DeviceBuffer down_codes = rig.upload(in.down.packed.codes),
                           down_scales = rig.upload(in.down.packed.scales),
                           down_bias = rig.upload(in.down_bias), inputs = rig.upload(in.inputs),
                           out = rig.upload(std::vector<float>(in.entries() * in.rows + 1, poison));
        rig.run(cuda::matmul_kernel_name(in.down.packed.format, ka::matvec_expert_down_grouped),
                {blocks(in.rows, down_tile), in.batch.experts, entry_tiles, ka::matmul_invocations},
                down_codes.address(), down_scales.address(), down_bias.address(), inputs.address(),
                out.address(), groups.address(), in.batch.matvec_args(in.down_cols, in.rows));
        in.expect_down(rig.download(out));
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, CudaMatVec,
                         testing::Values(StoredLayout::f32, StoredLayout::f16, StoredLayout::bf16,
                                         StoredLayout::q8_0, StoredLayout::mxfp4_gguf,
                                         StoredLayout::mxfp4_checkpoint));

class CudaKernels : public testing::Test {
  protected:
    void SetUp() override { HEARTH_REQUIRE_CUDA_GPU(); }
};

TEST_F(CudaKernels, EmbedDecodesEachTokensRowExactly) {
    Rig rig;
    std::mt19937 rng(3);
    for (auto layout : {StoredLayout::bf16, StoredLayout::q8_0, StoredLayout::mxfp4_gguf}) {
        PackedWeight table;
        make_packed_weight(table, layout, 1, 50, 96, rng);
        // Two tokens (41, then 7) on a grid of three rows: the third must stay untouched.
        const DeviceBuffer codes = rig.upload(table.packed.codes),
                           scales = rig.upload(table.packed.scales),
                           step = rig.upload(std::vector<std::uint32_t>{5, 2, 41, 7}),
                           x = rig.upload(std::vector<float>(3 * 96 + 1, poison));
        rig.run("embed_" + cuda::format_kernel_suffix(table.packed.format),
                {blocks(96, shapes::embed_block), 3, 1, shapes::embed_block}, codes.address(),
                scales.address(), step.address(), x.address(), ka::EmbedArgs{96});
        std::vector<float> expected(2 * 96);
        model::decode_row(table.stored.weight, 0, 41, std::span(expected).first(96));
        model::decode_row(table.stored.weight, 0, 7, std::span(expected).subspan(96));
        expected.resize(3 * 96 + 1, poison);
        EXPECT_EQ(rig.download(x), expected);
    }
}

TEST_F(CudaKernels, RmsNormMatchesTheCpuOnEveryRow) {
    Rig rig;
    std::mt19937 rng(4);
    constexpr std::uint32_t rows = 3; // one per token
    for (const std::uint32_t n : {32u, 64u, 2881u}) {
        SCOPED_TRACE(std::to_string(n) + " values");
        const auto x = normal_values(rows * n, rng, 3.0f), gain = normal_values(n, rng);
        const DeviceBuffer xs = rig.upload(x), gains = rig.upload(gain),
                           out = rig.upload(std::vector<float>(rows * n + 1, poison));
        rig.run("f32_rms_norm", {rows, 1, 1, shapes::rms_norm_block}, xs.address(), gains.address(),
                out.address(), ka::RmsNormArgs{n, 1e-5f});
        expect_rms_normed(x, gain, rows, n, rig.download(out));
    }
}

// quantize_q8 over rows of 32 values, of the 20b's 2,880 (rounds of the block's threads, the last
// partly past the row) and of 4,128 (a last round of eight words).
TEST_F(CudaKernels, QuantizeQ8KeepsEveryValueWithinHalfAStepOfItsCode) {
    Rig rig;
    std::mt19937 rng(9);
    constexpr std::uint32_t rows = 3;
    for (const std::uint32_t n : {32u, 96u, 2880u, 4128u}) {
        SCOPED_TRACE(std::to_string(n) + " values");
        const auto x = quantize_input(rows, n, rng);
        const DeviceBuffer xs = rig.upload(x),
                           codes = rig.upload(std::vector<float>(rows * n / 4 + 1, poison)),
                           scales = rig.upload(std::vector<float>(rows * n / 32 + 1, poison));
        rig.run("quantize_q8", {rows, 1, 1, shapes::quantize_block}, xs.address(), codes.address(),
                scales.address(), ka::RmsNormArgs{n, 0.0f});
        expect_quantized_q8(x, {.codes = rig.download<std::uint32_t>(codes),
                                .scales = rig.download(scales),
                                .values = {}});
    }
}

// The experts' gate/up and down over int8 x (matvec_int8_*), in both block formats and both
// MXFP4 sources, with gpt-oss's 4 slots and 6, at a width of a few blocks and (gate/up) one where
// some threads take two: against the CPU's operations on the values the codes stand for (the
// integer dots are exact, so the float tolerance holds).
TEST_F(CudaKernels, ExpertGateUpAndDownOverInt8XMatchTheCpuOperations) {
    Rig rig;
    std::mt19937 rng(11);
    for (const StoredLayout layout :
         {StoredLayout::q8_0, StoredLayout::mxfp4_gguf, StoredLayout::mxfp4_checkpoint})
        for (const std::uint32_t slots : {4u, 6u})
            for (const std::uint64_t cols : {96u, 32u * (matvec_threads + 2)}) {
                SCOPED_TRACE("layout " + std::to_string(static_cast<int>(layout)) + ", " +
                             std::to_string(slots) + " slots, " + std::to_string(cols) +
                             " columns");
                OneTokenExperts in(layout, cols, rng, slots);
                const auto x = Int8Rows::random(in.cols, rng);
                const auto inputs = Int8Rows::random(in.inputs.size(), rng);
                in.x = x.values;
                in.inputs = inputs.values;
                const auto format = in.gate_up.packed.format;
                const DeviceBuffer route = rig.upload(in.route);
                const DeviceBuffer codes = rig.upload(in.gate_up.packed.codes),
                                   scales = rig.upload(in.gate_up.packed.scales),
                                   bias = rig.upload(in.gate_up_bias),
                                   x_codes = rig.upload(x.codes), x_scales = rig.upload(x.scales),
                                   activations =
                                       rig.upload(std::vector<float>(slots * in.size + 1, poison));
                rig.run(cuda::matvec_kernel_name(format, ka::matvec_expert_gate_up,
                                                 cuda::MatVecX::int8),
                        {shapes::matvec_blocks(in.size), 1, slots, matvec_threads}, codes.address(),
                        scales.address(), bias.address(), x_codes.address(), x_scales.address(),
                        activations.address(), route.address(), in.gate_up_args());
                in.expect_gate_up(rig.download(activations));
                const DeviceBuffer down_codes = rig.upload(in.down.packed.codes),
                                   down_scales = rig.upload(in.down.packed.scales),
                                   down_bias = rig.upload(in.down_bias),
                                   input_codes = rig.upload(inputs.codes),
                                   input_scales = rig.upload(inputs.scales),
                                   y = rig.upload(in.start);
                rig.run(cuda::matvec_kernel_name(format, ka::matvec_expert_down_add,
                                                 cuda::MatVecX::int8),
                        {shapes::matvec_blocks(in.rows), 1, 1, matvec_threads},
                        down_codes.address(), down_scales.address(), down_bias.address(),
                        input_codes.address(), input_scales.address(), y.address(), route.address(),
                        in.down_args());
                in.expect_down(rig.download(y));
            }
}

// Gate/up over int8 x writing down's int8 x (matvec_int8_<format>_expert_gate_up_quantizing):
// its activations as the plain kernel's, and the codes of what it wrote, each 32-row block's by
// the last of its 8 blocks to finish. Two rounds on one count of rows per block, which each must
// leave at zero.
TEST_F(CudaKernels, GateUpOverInt8XWritesTheInt8CodesOfItsOutput) {
    Rig rig;
    std::mt19937 rng(12);
    constexpr std::uint32_t slots = 4, size = 64; // rows per half: whole blocks, as int8 x has
    const std::vector<std::uint32_t> no_arrivals(slots * size / 32, 0);
    const DeviceBuffer arrivals = rig.upload(no_arrivals);
    for (const StoredLayout layout : {StoredLayout::q8_0, StoredLayout::mxfp4_gguf})
        for (int round = 0; round < 2; ++round) {
            SCOPED_TRACE("layout " + std::to_string(static_cast<int>(layout)) + ", round " +
                         std::to_string(round));
            OneTokenExperts in(layout, 96, rng, slots, size);
            const auto x = Int8Rows::random(in.cols, rng);
            in.x = x.values;
            const DeviceBuffer route = rig.upload(in.route),
                               codes = rig.upload(in.gate_up.packed.codes),
                               scales = rig.upload(in.gate_up.packed.scales),
                               bias = rig.upload(in.gate_up_bias), x_codes = rig.upload(x.codes),
                               x_scales = rig.upload(x.scales),
                               activations =
                                   rig.upload(std::vector<float>(slots * size + 1, poison)),
                               out_codes =
                                   rig.upload(std::vector<float>(slots * size / 4 + 1, poison)),
                               out_scales =
                                   rig.upload(std::vector<float>(slots * size / 32 + 1, poison));
            rig.run(cuda::matvec_kernel_name(in.gate_up.packed.format, ka::matvec_expert_gate_up,
                                             cuda::MatVecX::int8) +
                        "_quantizing",
                    {shapes::matvec_blocks(size), 1, slots, matvec_threads}, codes.address(),
                    scales.address(), bias.address(), x_codes.address(), x_scales.address(),
                    activations.address(), route.address(), arrivals.address(), out_codes.address(),
                    out_scales.address(), in.gate_up_args());
            const auto written = rig.download(activations);
            in.expect_gate_up(written);
            expect_quantized_q8(std::vector<float>(written.begin(), written.end() - 1),
                                {.codes = rig.download<std::uint32_t>(out_codes),
                                 .scales = rig.download(out_scales),
                                 .values = {}});
            ASSERT_EQ(rig.download<std::uint32_t>(arrivals), no_arrivals);
        }
}

// In a step of one token at position 40; the step moves on to the id picked (0 for none) at
// position 41.
TEST_F(CudaKernels, SamplingPicksWhatEachCraftedCaseMust) {
    Rig rig;
    for (const auto& c : sampling_cases()) {
        const auto args = gpu::sample_args(static_cast<std::uint32_t>(c.logits.size()));
        const DeviceBuffer input = rig.upload(c.logits), mask = rig.upload(c.excluded),
                           draw = rig.upload(
                               std::vector<float>{c.temperature, c.random, c.top_p, c.min_p}),
                           partials = rig.upload(std::vector<float>(4 * (args.groups + 1), poison)),
                           picked = rig.upload(std::vector<std::uint32_t>{0xDEADBEEFu}),
                           step = rig.upload(std::vector<std::uint32_t>{40, 1, 3});
        rig.run("sample_partials", {args.groups, 1, 1, ka::sample_group_size}, input.address(),
                mask.address(), draw.address(), partials.address(), args);
        rig.run("sample_cut", {1, 1, 1, ka::sample_cut_max_group_size}, input.address(),
                mask.address(), draw.address(), partials.address(), args);
        rig.run("sample_kept", {args.groups, 1, 1, ka::sample_group_size}, input.address(),
                mask.address(), draw.address(), partials.address(), args);
        rig.run("sample_pick", {1, 1, 1, ka::sample_group_size}, input.address(), mask.address(),
                draw.address(), partials.address(), picked.address(), step.address(), args);
        const std::uint32_t id = rig.download<std::uint32_t>(picked)[0];
        EXPECT_EQ(id, c.expected) << c.name;
        const std::vector<std::uint32_t> next_step = {41, 1, id < c.logits.size() ? id : 0};
        EXPECT_EQ(rig.download<std::uint32_t>(step), next_step) << c.name;
    }
}

TEST_F(CudaKernels, RouteChoosesTheCpusExpertsAndWeights) {
    Rig rig;
    std::mt19937 rng(5);
    // More experts than the block has threads, too (gpt-oss-120b has 128).
    // Two tokens, each with its own row of logits and of route words.
    for (const std::uint32_t experts : {37u, 130u}) {
        SCOPED_TRACE(std::to_string(experts) + " experts");
        const auto logits = planted_router_logits(experts, rng);
        const DeviceBuffer input = rig.upload(logits),
                           route = rig.upload(std::vector<float>(2 * 8 + 1, poison));
        rig.run("route_experts", {2, 1, 1, shapes::route_block}, input.address(), route.address(),
                ka::RouteArgs{experts, 4});
        expect_routes(logits, experts, rig.download(route));
    }
}

TEST_F(CudaKernels, GroupExpertsListsEachExpertsEntriesInTokenOrder) {
    Rig rig;
    const BatchRoutes batch;
    // Five tokens' rows on the device, of which the step counts four: the fifth is left out.
    auto rows = batch.route_rows();
    rows.insert(rows.end(), {0, 0, 0, 0});
    const DeviceBuffer route = rig.upload(rows),
                       groups = rig.upload(std::vector<std::uint32_t>(
                           batch.experts * (1 + batch.tokens), 0xFFFFFFFFu)),
                       step = rig.upload(std::vector<std::uint32_t>{9, batch.tokens});
    rig.run("group_experts", {1, 1, 1, shapes::route_block}, route.address(), groups.address(),
            step.address(),
            ka::GroupExpertsArgs{batch.experts, batch.slots, batch.tokens, ka::matmul_tile_tokens});
    expect_groups_listed(batch, rig.download<std::uint32_t>(groups));
}

TEST_F(CudaKernels, ExpertCombineAddsEachTokensWeightedRows) {
    Rig rig;
    std::mt19937 rng(9);
    const BatchRoutes batch;
    const std::uint32_t cols = 70, counted = 3; // the step counts three of the four tokens
    const auto down = normal_values(batch.tokens * batch.slots * cols, rng);
    auto start = normal_values(batch.tokens * cols + 1, rng);
    start.back() = poison;
    const DeviceBuffer down_rows = rig.upload(down), route = rig.upload(batch.route_rows()),
                       x = rig.upload(start),
                       step = rig.upload(std::vector<std::uint32_t>{0, counted});
    rig.run(
        "expert_combine",
        {blocks(cols, shapes::expert_combine_block), batch.tokens, 1, shapes::expert_combine_block},
        down_rows.address(), route.address(), x.address(), step.address(),
        ka::ExpertCombineArgs{cols, batch.slots});
    expect_experts_combined(batch, down, start, counted, cols, rig.download(x));
}

class CudaKvCache : public testing::TestWithParam<CacheLayout> {
  protected:
    void SetUp() override { HEARTH_REQUIRE_CUDA_GPU(); }
    std::string cache_type() const { return layout_name(GetParam()); }
    CacheLayout layout() const { return GetParam(); }
    void expect_decode_attention_matches_the_cpu(std::uint32_t head_dim,
                                                 std::uint32_t head_count) const;
    void expect_prefill_attention_matches_the_cpu(std::uint32_t head_dim) const;
};

// At the tiny models' head size, at gpt-oss's (a q8 row's largest magnitude taken across the
// block's two warps) and at 160 (more values than the block has threads).
TEST_P(CudaKvCache, RopeRotatesQueriesAndWritesRotatedKeysAndValuesIntoTheRing) {
    for (const std::uint32_t head_dim : {16u, 64u, 160u}) {
        SCOPED_TRACE("head size " + std::to_string(head_dim));
        Rig rig;
        std::mt19937 rng(6);
        const RopeInputs in(layout(), rng, head_dim);
        const auto& c = in.config;
        const DeviceBuffer heads = rig.upload(in.qkv),
                           table = rig.upload(gpu::rope_table(c, in.positions)),
                           key_cache = rig.upload(in.poisoned),
                           value_cache = rig.upload(in.poisoned),
                           step =
                               rig.upload(std::vector<std::uint32_t>{in.first_position, in.tokens});
        rig.run("rope_kv_write_" + cache_type(),
                {c.head_count + c.kv_head_count, in.grid_tokens, 1, shapes::rope_block},
                heads.address(), table.address(), key_cache.address(), value_cache.address(),
                step.address(), ka::RopeKvArgs{c.head_count, c.kv_head_count, in.capacity},
                unsigned{c.head_dim});
        in.expect_written(rig.download(heads), rig.download<std::uint32_t>(key_cache),
                          rig.download<std::uint32_t>(value_cache));
    }
}

// One token's kernel (or a batch's, per token, at head sizes without a tiled kernel): at the
// tiny models' shape; at gpt-oss's head size (tiles of 64 positions, read 16 bytes at a time);
// at 128 and 256 (tiles of 32 and 16, a thread's outputs in two heads); and at 20 query heads
// over 2 KV heads of 18 values (two chunks of a KV head's heads a token, the second of two;
// rows of no whole 16-byte units, read a value at a time; not for q8, which packs 4 values a
// word and is refused for such heads). q8 rows, not 16-byte aligned, are read a word at a time.
TEST_P(CudaKvCache, AttentionWithSinksAndWindowMatchesTheCpu) {
    for (const auto& [head_dim, head_count] :
         {std::pair{16u, 6u}, {64u, 6u}, {128u, 16u}, {256u, 6u}, {18u, 20u}}) {
        if (layout() == CacheLayout::q8 && head_dim % 4 != 0) continue;
        SCOPED_TRACE(std::to_string(head_count) + " heads of " + std::to_string(head_dim));
        expect_decode_attention_matches_the_cpu(head_dim, head_count);
    }
}

void CudaKvCache::expect_decode_attention_matches_the_cpu(std::uint32_t head_dim,
                                                          std::uint32_t head_count) const {
    Rig rig;
    std::mt19937 rng(8);
    const AttentionInputs in(layout(), rng, 2, 150, head_dim, head_count);
    const auto& c = in.config;
    const DeviceBuffer queries = rig.upload(in.qkv), key_cache = rig.upload(in.key_words),
                       value_cache = rig.upload(in.value_words), sinks = rig.upload(in.sinks);
    for (const auto& run : attention_cases()) {
        SCOPED_TRACE(std::to_string(run.window) + " " + std::to_string(run.position) + " " +
                     std::to_string(run.splits));
        const DeviceBuffer out = rig.upload(std::vector<float>(in.tokens * c.q_size() + 1, poison)),
                           partials = rig.upload(std::vector<float>(
                               in.tokens * c.head_count * run.splits * (c.head_dim + 2), poison)),
                           step = rig.upload(std::vector<std::uint32_t>{run.position, in.tokens});
        rig.run("attention_decode_" + cache_type(),
                {c.kv_head_count,
                 in.tokens * shapes::attention_head_chunks(c.head_count / c.kv_head_count),
                 run.splits, shapes::attention_block},
                queries.address(), key_cache.address(), value_cache.address(), partials.address(),
                step.address(), in.args(run), unsigned{c.head_dim});
        rig.run("attention_combine", {c.head_count, in.tokens, 1, shapes::combine_block},
                partials.address(), sinks.address(), out.address(),
                ka::AttentionCombineArgs{run.splits}, unsigned{c.head_dim});
        in.expect_attended(run, rig.download(out));
    }
}

// One token's attention in one launch: it rotates its queries and key, writes its key and value
// into the cache, attends, and its last block merges the splits with the sinks. At the tiny
// models' shape, at gpt-oss's (8 query heads a KV head, head size 64) and at 128 over 16 heads
// (eight outputs a thread); the shared cases, and a cache of 1100 positions that takes the most
// splits (32). One count of finished splits per KV head is kept by every run: each must leave
// them at zero for the next.
TEST_P(CudaKvCache, StepAttentionWritesItsKeyAndValueThenMatchesTheCpu) {
    for (const auto& [head_dim, head_count] : {std::pair{16u, 6u}, {64u, 16u}, {128u, 16u}}) {
        SCOPED_TRACE(std::to_string(head_count) + " heads of " + std::to_string(head_dim));
        Rig rig;
        std::mt19937 rng(8);
        for (const auto& [in, cases, positions] :
             step_attention_runs(layout(), rng, head_dim, head_count)) {
            const auto& c = in.config;
            const DeviceBuffer queries = rig.upload(in.qkv), sinks = rig.upload(in.sinks),
                               table = rig.upload(gpu::rope_table(c, positions));
            const std::vector<std::uint32_t> no_arrivals(c.kv_head_count, 0);
            const DeviceBuffer arrivals = rig.upload(no_arrivals);
            for (const auto& run : cases) {
                SCOPED_TRACE(std::to_string(run.window) + " " + std::to_string(run.position) + " " +
                             std::to_string(run.splits));
                const DeviceBuffer out = rig.upload(std::vector<float>(c.q_size() + 1, poison)),
                                   partials = rig.upload(std::vector<float>(
                                       c.head_count * run.splits * (c.head_dim + 2),
                                       stale_partial)),
                                   step = rig.upload(std::vector<std::uint32_t>{run.position, 1}),
                                   key_cache = rig.upload(in.key_words),
                                   value_cache = rig.upload(in.value_words);
                rig.run("attention_step_" + cache_type(),
                        {c.kv_head_count, 1, run.splits, shapes::attention_block},
                        queries.address(), table.address(), key_cache.address(),
                        value_cache.address(), partials.address(), arrivals.address(),
                        sinks.address(), out.address(), step.address(), in.args(run),
                        unsigned{c.head_dim});
                in.expect_decoded(run, rig.download(out), rig.download<std::uint32_t>(key_cache),
                                  rig.download<std::uint32_t>(value_cache));
                ASSERT_EQ(rig.download<std::uint32_t>(arrivals), no_arrivals);
            }
        }
    }
}

// The tiled kernel a batch takes, at the tiny models' head size and gpt-oss's: its partial
// results combined with the sinks match the CPU's attention for every token, over splits that end
// inside the key tiles, and it writes nothing for the tokens past the step's count that its grid
// covers.
TEST_P(CudaKvCache, PrefillAttentionOfABatchMatchesTheCpu) {
    for (const std::uint32_t head_dim : {16u, 64u}) {
        SCOPED_TRACE("head size " + std::to_string(head_dim));
        expect_prefill_attention_matches_the_cpu(head_dim);
    }
}

void CudaKvCache::expect_prefill_attention_matches_the_cpu(std::uint32_t head_dim) const {
    Rig rig;
    std::mt19937 rng(12);
    const AttentionInputs in(layout(), rng, prefill_attention_tokens, 150, head_dim);
    const auto& c = in.config;
    const DeviceBuffer queries = rig.upload(in.qkv), key_cache = rig.upload(in.key_words),
                       value_cache = rig.upload(in.value_words), sinks = rig.upload(in.sinks);
    const std::uint32_t grid_tokens = in.tokens + 7;
    const std::uint32_t rows = grid_tokens * (c.head_count / c.kv_head_count);
    for (auto run : prefill_attention_cases()) {
        for (const std::uint32_t splits : {1u, 3u}) {
            run.splits = splits;
            SCOPED_TRACE(std::to_string(run.window) + " " + std::to_string(run.position) + " " +
                         std::to_string(splits));
            const std::size_t per_token = c.head_count * splits * (c.head_dim + 2);
            const DeviceBuffer partials =
                                   rig.upload(std::vector<float>(grid_tokens * per_token, poison)),
                               out = rig.upload(
                                   std::vector<float>(in.tokens * c.q_size() + 1, poison)),
                               step =
                                   rig.upload(std::vector<std::uint32_t>{run.position, in.tokens});
            rig.run("attention_prefill_" + cache_type() + "_" + std::to_string(c.head_dim),
                    {c.kv_head_count,
                     (rows + shapes::prefill_attention_rows - 1) / shapes::prefill_attention_rows,
                     splits, shapes::prefill_attention_rows},
                    queries.address(), key_cache.address(), value_cache.address(),
                    partials.address(), step.address(), in.args(run));
            const auto written = rig.download(partials);
            for (std::size_t i = in.tokens * per_token; i < written.size(); ++i)
                ASSERT_EQ(written[i], poison) << "a token past the step's count, " << i;
            rig.run("attention_combine", {c.head_count, in.tokens, 1, shapes::combine_block},
                    partials.address(), sinks.address(), out.address(),
                    ka::AttentionCombineArgs{splits}, unsigned{c.head_dim});
            in.expect_attended(run, rig.download(out));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, CudaKvCache,
                         testing::Values(CacheLayout::f32, CacheLayout::f16, CacheLayout::q8),
                         [](const auto& param) { return layout_name(param.param); });

} // namespace
