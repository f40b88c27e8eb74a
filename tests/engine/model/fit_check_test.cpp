#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "model/fit_check.h"
#include "tiny_model_writers.h"

namespace {

using hearth::FitOptions;
using hearth::gibibyte;
using hearth::model::check_fit;
using hearth::model::ModelConfig;

// gpt-oss-20b from shared/docs/gpt-oss-model.md section 1.
ModelConfig gpt_oss_20b() {
    ModelConfig c;
    c.layer_count = 24;
    c.hidden_size = 2880;
    c.head_count = 64;
    c.kv_head_count = 8;
    c.head_dim = 64;
    c.expert_count = 32;
    c.experts_per_token = 4;
    c.expert_hidden_size = 2880;
    c.vocab_size = 201088;
    c.context_length = 131072;
    c.sliding_window = 128;
    return c;
}

// The tensor data of ggml-org's gpt-oss-20b-mxfp4.gguf (spec section 5.2: MXFP4 experts, Q8_0
// matrices, F32 vectors): 12,090,061,056 bytes.
constexpr std::uint64_t weights_20b = 12'090'061'056;

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Shared by the CPU numbers below, computed by hand from the hyperparameters:
//   scratch = chunk activations 256 x (4*2880 + 2*4096 + 2*512 + 32 + 2*2880) floats
//             = 256 x 26,528 x 4 = 27,164,672
//           + logits (201,088 + 2,880) x 4 = 815,872
//           + fp32 norms/sinks/biases 24 x (2*2880 + 64 + 4096 + 2*512 + 2880 + 32 + 32*8640)
//             + 2880 final norm = 6,970,944 floats = 27,883,776
//           = 55,864,320
//   runtime 256 MiB = 268,435,456; headroom 2 GiB = 2,147,483,648
//   fixed = 12,090,061,056 + 55,864,320 + 268,435,456 + 2,147,483,648 = 14,561,844,480
//   KV (fp32, K and V of 512 values = 4,096 B per layer per position):
//     12 full layers x ctx + 12 sliding layers x min(ctx, 128 + 1,280)
//     ctx >= 1,408: 49,152 x ctx + 69,206,016;   ctx = 1,024: 24 x 1,024 x 4,096 = 100,663,296
constexpr std::uint64_t cpu_scratch = 55'864'320;

TEST(FitCheck, ScratchAndKvCacheMatchTheHandArithmetic) {
    const auto c = gpt_oss_20b();
    const auto cpu = hearth::cpu_fit_options();
    EXPECT_EQ(hearth::model::scratch_bytes(c, cpu), cpu_scratch);
    EXPECT_EQ(hearth::model::kv_cache_bytes(c, 1024, cpu), 100'663'296u);
    EXPECT_EQ(hearth::model::kv_cache_bytes(c, 32768, cpu), 1'679'818'752u);
    // The plain rule (sliding layers hold the window only), fp32 and fp16 elements:
    // (12 x 128 + 12 x 4,096) positions x 2 x 512 x 4 = 207,618,048; half that in fp16.
    FitOptions plain;
    plain.kv_element_bytes = 4;
    EXPECT_EQ(hearth::model::kv_cache_bytes(c, 4096, plain), 207'618'048u);
    plain.kv_element_bytes = 2;
    EXPECT_EQ(hearth::model::kv_cache_bytes(c, 4096, plain), 103'809'024u);
}

// 8 GiB = 8,589,934,592. Smallest step 1,024: 14,561,844,480 + 100,663,296 = 14,662,507,776,
// 6,072,573,184 (5.66 GiB) short; 14,662,507,776 / 2^30 = 13.66 -> at least 14 GiB.
TEST(FitCheck, TwentyBDoesNotFitIn8GiB) {
    const auto r = check_fit(gpt_oss_20b(), weights_20b, 8 * gibibyte, hearth::cpu_fit_options());
    EXPECT_FALSE(r.fits);
    EXPECT_EQ(r.largest_fitting_context, 0u);
    EXPECT_EQ(r.context, 1024u);
    EXPECT_EQ(r.need.total(), 14'662'507'776u);
    EXPECT_EQ(r.need.total() - r.device_memory, 6'072'573'184u);
    EXPECT_TRUE(mentions(r.advice, "5.66 GiB short")) << r.advice;
    EXPECT_TRUE(mentions(r.advice, "at least 14 GiB")) << r.advice;
}

// 12 GiB = 12,884,901,888: the same 14,662,507,776 is 1,777,605,888 (1.66 GiB) short. Without the
// headroom it would need 12,515,024,128, leaving 369,877,760 B = 352.7 MiB for everything else.
TEST(FitCheck, TwentyBDoesNotFitIn12GiBWithRoomForTheDesktop) {
    const auto r = check_fit(gpt_oss_20b(), weights_20b, 12 * gibibyte, hearth::cpu_fit_options());
    EXPECT_FALSE(r.fits);
    EXPECT_EQ(r.largest_fitting_context, 0u);
    EXPECT_EQ(r.need.total() - r.device_memory, 1'777'605'888u);
    EXPECT_TRUE(mentions(r.advice, "1.66 GiB short")) << r.advice;
    EXPECT_TRUE(mentions(r.advice, "leave only 352.7 MiB")) << r.advice;
}

// 16 GiB = 17,179,869,184 leaves 2,618,024,704 for the cache: 49,152 x ctx + 69,206,016 fits up
// to ctx = 51,856, so the step is 32,768 (KV 1,679,818,752, total 16,241,663,232). 65,536 needs
// KV 3,290,431,488, total 17,852,275,968: 672,406,784 B (641.3 MiB) too much.
TEST(FitCheck, TwentyBFitsIn16GiBWithA32kContext) {
    const auto c = gpt_oss_20b();
    const auto r = check_fit(c, weights_20b, 16 * gibibyte, hearth::cpu_fit_options());
    EXPECT_TRUE(r.fits);
    EXPECT_EQ(r.context, 32768u);
    EXPECT_EQ(r.largest_fitting_context, 32768u);
    EXPECT_EQ(r.need.weights, weights_20b);
    EXPECT_EQ(r.need.kv_cache, 1'679'818'752u);
    EXPECT_EQ(r.need.scratch, cpu_scratch);
    EXPECT_EQ(r.need.total(), 16'241'663'232u);
    EXPECT_EQ(r.kv_bytes_per_token, 49'152u);
    EXPECT_TRUE(mentions(r.advice, "Fits with a 32768-token context")) << r.advice;

    const auto asked = check_fit(c, weights_20b, 16 * gibibyte, hearth::cpu_fit_options(), 65536);
    EXPECT_FALSE(asked.fits);
    EXPECT_EQ(asked.context, 65536u);
    EXPECT_EQ(asked.need.total(), 17'852'275'968u);
    EXPECT_TRUE(mentions(asked.advice, "641.3 MiB more")) << asked.advice;
    EXPECT_TRUE(mentions(asked.advice, "lower the context to 32768 tokens")) << asked.advice;
}

// 24 GiB = 25,769,803,776 leaves 11,207,959,296: up to ctx = 226,618, so the whole 131,072.
// KV 6,442,450,944 + 69,206,016 = 6,511,656,960; total 21,073,501,440.
TEST(FitCheck, TwentyBFitsIn24GiBWithTheFullContext) {
    const auto r = check_fit(gpt_oss_20b(), weights_20b, 24 * gibibyte, hearth::cpu_fit_options());
    EXPECT_TRUE(r.fits);
    EXPECT_EQ(r.context, 131072u);
    EXPECT_EQ(r.need.kv_cache, 6'511'656'960u);
    EXPECT_EQ(r.need.total(), 21'073'501'440u);
}

// A GPU with an fp16 cache, sliding layers holding the window + 1024, and 512 MiB headroom:
//   fixed = 12,090,061,056 + 55,864,320 + 268,435,456 + 536,870,912 = 12,951,231,744
//   KV(131,072) = 12 x 131,072 x 2,048 + 12 x (128 + 1,024) x 2,048 = 3,249,537,024
//   16 GiB: total 16,200,768,768 fits the full context. 12 GiB: the fixed part alone is too much.
TEST(FitCheck, Fp16CacheOnA16GiBGpuHoldsTheFullContext) {
    const auto c = gpt_oss_20b();
    const auto r16 = check_fit(c, weights_20b, 16 * gibibyte, hearth::gpu_fit_options());
    EXPECT_TRUE(r16.fits);
    EXPECT_EQ(r16.context, 131072u);
    EXPECT_EQ(r16.need.kv_cache, 3'249'537'024u);
    EXPECT_EQ(r16.need.total(), 16'200'768'768u);
    EXPECT_EQ(r16.kv_bytes_per_token, 24'576u);
    const auto r12 = check_fit(c, weights_20b, 12 * gibibyte, hearth::gpu_fit_options());
    EXPECT_FALSE(r12.fits);
    EXPECT_EQ(r12.largest_fitting_context, 0u);
}

TEST(FitCheck, WeightsLargerThanTheDeviceAreSaidSo) {
    const auto r = check_fit(gpt_oss_20b(), weights_20b, 4 * gibibyte, hearth::cpu_fit_options());
    EXPECT_FALSE(r.fits);
    EXPECT_TRUE(mentions(r.advice, "weights alone")) << r.advice;
}

// Steps are powers of two from min_context; a context length that is not one ends the list.
TEST(FitCheck, ContextStepsEndAtTheModelsOwnLength) {
    auto c = gpt_oss_20b();
    c.context_length = 3000;
    const auto r = check_fit(c, weights_20b, 64 * gibibyte, hearth::cpu_fit_options());
    EXPECT_EQ(r.context, 3000u);
    c.context_length = 512; // below min_context: the model's own length is the only step
    EXPECT_EQ(check_fit(c, weights_20b, 64 * gibibyte, hearth::cpu_fit_options()).context, 512u);
}

// The whole path from a file: a sparse GGUF with 20b's real tensor table and types. Its router
// is F32 (never quantized, spec 5.2), which the all-Q8_0 figure above counted as Q8_0:
// 24 x 2880 x 32 values x (4 - 34/32) bytes = 6,497,280 more, 12,096,558,336 in all.
TEST(FitCheck, RealShaped20bFileFitsIn16GiBAt32k) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("hearth-fit-20b-" + std::to_string(::getpid()) + ".gguf");
    hearth::test::write_sparse_gguf(path, hearth::test::real_model_shapes("20b"), {});
    auto r = hearth::check_model_fit(path, 16 * gibibyte);
    std::filesystem::remove(path);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->need.weights, weights_20b + 6'497'280);
    EXPECT_EQ(r->context, 32768u);
    EXPECT_TRUE(r->fits);
    // The estimate offered before downloading says the same as the file.
    const auto before = hearth::check_gpt_oss_20b_fit(16 * gibibyte);
    EXPECT_EQ(before.need.total(), r->need.total());
    EXPECT_EQ(before.context, r->context);
}

TEST(FitCheck, MemorySizesAreWrittenInBinaryUnits) {
    EXPECT_EQ(hearth::format_memory(weights_20b), "11.26 GiB");
    EXPECT_EQ(hearth::format_memory(cpu_scratch), "53.3 MiB");
    EXPECT_EQ(hearth::format_memory(512), "512 B");
    EXPECT_GT(hearth::system_memory_bytes(), 0u);
}

} // namespace
