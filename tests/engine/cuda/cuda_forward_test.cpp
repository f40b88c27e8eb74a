// The CUDA backend's whole forward pass against the independent float64 reference and against
// the CPU backend, on the tiny fixture model in all its file forms. Runs where an NVIDIA GPU and
// driver exist; elsewhere every test here reports itself skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "cuda/cuda_gpu.h"
#include "cuda/emulator/emulated_faults.h"
#include "forward/forward_goldens.h"
#include "forward/sampling_checks.h"

namespace {

using namespace hearth::test;

// An f32 cache unless asked: the reference tolerance (1e-4) is tighter than f16 rounding.
std::unique_ptr<hearth::Backend>
cuda_backend_for(const std::string& fixture,
                 hearth::KvCachePrecision kv_cache = hearth::KvCachePrecision::f32) {
    return made_backend(
        hearth::cuda::create_cuda_backend(tiny_model_files(fixture), {.kv_cache = kv_cache}));
}

class CudaForward : public testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        HEARTH_REQUIRE_CUDA_GPU();
        backend_ = cuda_backend_for(GetParam());
        ASSERT_TRUE(backend_);
    }
    std::unique_ptr<hearth::Backend> backend_;
};

TEST_P(CudaForward, LastPositionLogitsMatchTheReferenceToOneIn10000) {
    EXPECT_EQ(backend_->name(), "cuda");
    expect_logits_match_reference(*backend_);
}

// Every logit, not only the top ones, against the CPU backend on a prompt longer than the
// sliding window (the ring caches, the window, YaRN and batched prefill all take part).
TEST_P(CudaForward, EveryLogitMatchesTheCpuBackend) {
    const auto distance = distance_from_cpu(*backend_, GetParam(), "long_130");
    EXPECT_LE(distance.worst, 1e-4f * distance.largest);
    EXPECT_TRUE(distance.same_top);
}

// The f16 cache (the default on GPUs): every logit within 1% of the largest of the CPU's (the
// Vulkan backend's bound, for the same reason).
TEST_P(CudaForward, AnF16CacheStaysCloseToTheCpuBackend) {
    auto f16 = cuda_backend_for(GetParam(), hearth::KvCachePrecision::f16);
    ASSERT_TRUE(f16);
    expect_stays_near_the_cpu(*f16, GetParam(), "f16 cache", 1e-2f);
}

// The 8-bit cache: the kernels' rounding is checked on its own (CudaKvCache); here the whole
// model, within the Vulkan backend's 30% (VulkanForward.An8BitCacheStaysNearTheCpuBackend says
// why so loose: 8-bit codes across rows of 16 values on a random model).
TEST_P(CudaForward, An8BitCacheStaysNearTheCpuBackend) {
    auto q8 = cuda_backend_for(GetParam(), hearth::KvCachePrecision::q8);
    ASSERT_TRUE(q8);
    expect_stays_near_the_cpu(*q8, GetParam(), "q8 cache", 0.3f);
}

// One token's expert products over int8 x (CudaTuning::int_dot, off unless asked): within
// VulkanForward.IntegerDotProductsOverInt8XStayNearTheCpuBackend's bound, which says what 8-bit x
// costs and what misreads cost.
TEST_P(CudaForward, IntegerDotProductsOverInt8XStayNearTheCpuBackend) {
    auto int8 = made_backend(hearth::cuda::create_cuda_backend(
        tiny_model_files(GetParam()),
        {.kv_cache = hearth::KvCachePrecision::f32, .int_dot = true}));
    ASSERT_TRUE(int8);
    expect_stays_near_the_cpu(*int8, GetParam(), "int-dot experts", 5e-3f);
}

// A prompt of two batches and its last token (expect_two_batch_prompt_matches_cpu).
TEST(CudaForwardLongPrompt, APromptOfTwoBatchesMatchesTheCpuBackend) {
    HEARTH_REQUIRE_CUDA_GPU();
    auto backend = cuda_backend_for("tiny-gpt-oss.gguf");
    ASSERT_TRUE(backend);
    expect_two_batch_prompt_matches_cpu(*backend, "tiny-gpt-oss.gguf");
}

INSTANTIATE_TEST_SUITE_P(TinyModel, CudaForward, testing::ValuesIn(tiny_model_names()),
                         [](const auto& param) { return parameter_name(param.param); });

// Refused before the driver is looked for: no GPU needed.
TEST(CudaForwardModel, An8BitCacheIsRefusedForHeadsOfNoWholeWords) {
    expect_q8_cache_refused_for_heads_of_no_whole_words([](auto files) {
        return hearth::cuda::create_cuda_backend(files, {.kv_cache = hearth::KvCachePrecision::q8});
    });
}

TEST(CudaForwardModel, TheBytesATokenReadsCountTheCacheAsItIsKept) {
    HEARTH_REQUIRE_CUDA_GPU();
    expect_bytes_read_count_the_cache_as_kept(hearth::BackendChoice::cuda);
}

class CudaForwardSequence : public testing::Test {
  protected:
    void SetUp() override {
        HEARTH_REQUIRE_CUDA_GPU();
        backend_ = cuda_backend_for("tiny-gpt-oss.gguf");
        ASSERT_TRUE(backend_);
    }
    std::unique_ptr<hearth::Backend> backend_;
};

// Each step replays the captured decode graph.
TEST_F(CudaForwardSequence, SixtyFourGreedyTokensMatchTheReference) {
    expect_greedy_tokens_match_reference(*backend_);
}

TEST_F(CudaForwardSequence, GreedyDrawsOnTheDeviceMatchTheLogitsArgmax) {
    expect_greedy_draws_match_the_argmax(*backend_);
}

TEST_F(CudaForwardSequence, ExcludedIdsAreNeverDrawn) {
    expect_excluded_ids_never_drawn(*backend_);
}

TEST_F(CudaForwardSequence, TemperatureDrawsOnTheDeviceMatchTheHostsDrawInIdOrder) {
    expect_temperature_draws_match_the_host(*backend_);
}

TEST_F(CudaForwardSequence, TopPAndMinPDrawsOnTheDeviceMatchTheHostsDrawAmongTheKeptIds) {
    expect_top_p_and_min_p_draws_match_the_host(*backend_);
}

TEST_F(CudaForwardSequence, StepsAheadDrawWhatSingleStepsDraw) {
    expect_steps_ahead_draw_what_single_steps_draw(*backend_);
}

TEST_F(CudaForwardSequence, StepsAheadNeverChangeWhatOtherCallsGive) {
    expect_steps_ahead_never_change_what_other_calls_give(*backend_);
}

TEST_F(CudaForwardSequence, ADecodeLoopFindsEveryStepAfterTheFirstRunningAhead) {
    expect_a_decode_loop_finds_every_step_after_the_first_ahead(*backend_);
}

TEST_F(CudaForwardSequence, OnlyTheSettingsTheDeviceAppliesRunThere) {
    expect_only_device_settings_run_there(*backend_);
}

TEST_F(CudaForwardSequence, TruncatingAndAppendingAgainReproducesTheLogits) {
    expect_truncate_and_append_reproduce_logits(*backend_);
}

TEST_F(CudaForwardSequence, ASecondRewindRespectsWhatTheRingsOverwrote) {
    expect_a_second_rewind_respects_the_rings(*backend_, "tiny-gpt-oss.gguf");
}

TEST_F(CudaForwardSequence, ARewindPointOutlivesTheRings) {
    expect_a_rewind_point_outlives_the_rings(*backend_, "tiny-gpt-oss.gguf");
}

// The point copies whole cache rows, whose size an 8-bit cache sets otherwise (codes and a scale).
TEST(CudaForwardModel, ARewindPointOutlivesTheRingsOfAn8BitCache) {
    HEARTH_REQUIRE_CUDA_GPU();
    auto q8 = cuda_backend_for("tiny-gpt-oss.gguf", hearth::KvCachePrecision::q8);
    ASSERT_TRUE(q8);
    expect_a_rewind_point_outlives_the_rings(*q8, "tiny-gpt-oss.gguf");
}

TEST_F(CudaForwardSequence, OutOfVocabularyIdsAndOverflowAreErrors) {
    expect_bad_tokens_and_overflow_are_errors(*backend_);
}

// Launches per kernel name, and the device time of all of them.
struct ProfileCounts {
    std::map<std::string, std::uint32_t> dispatches;
    std::map<std::string, std::uint64_t> bytes;
    std::uint32_t total = 0;
    double seconds = 0;
};
ProfileCounts count_profile(const std::vector<hearth::KernelProfile>& kernels) {
    ProfileCounts counts;
    for (const auto& k : kernels) {
        EXPECT_GE(k.seconds, 0.0) << k.kernel;
        counts.dispatches[k.kernel] += k.dispatches;
        counts.bytes[k.kernel] += k.bytes;
        counts.total += k.dispatches;
        counts.seconds += k.seconds;
    }
    return counts;
}

// A decode step captured with an event after each launch: per layer q/k/v, attention (which
// writes its key and value and merges its splits), out, the router (which routes), gate/up and
// down (the products take the norms in); then the embedding, the unembedding and sampling's four.
// It leaves the cache as a plain step does.
TEST_F(CudaForwardSequence, AProfiledStepTimesEachOfItsSixLaunchesALayer) {
    const auto& c = tiny_model_files("tiny-gpt-oss.gguf")->config;
    auto profiled = backend_->create_context(64), plain = backend_->create_context(64);
    ASSERT_TRUE(profiled.has_value() && plain.has_value());
    EXPECT_TRUE((*profiled)->times_kernels());
    const std::vector<std::int32_t> prompt(10, 5);
    ASSERT_TRUE((*profiled)->append(prompt, {}).has_value());
    const auto kernels = (*profiled)->profile_step(9);
    ASSERT_TRUE(kernels.has_value()) << kernels.error().message << ": " << kernels.error().detail;
    auto counts = count_profile(*kernels);
    EXPECT_EQ(counts.total, 6 * c.layer_count + 6);
    EXPECT_GT(counts.seconds, 0.0);
    for (const char* kernel : {"matvec q/k/v", "attention", "matvec attention out", "matvec router",
                               "matvec experts gate/up", "matvec experts down"}) {
        EXPECT_EQ(counts.dispatches[kernel], c.layer_count) << kernel;
    }
    for (const char* kernel : {"rms_norm", "route experts", "rope + kv write", "attention combine"})
        EXPECT_EQ(counts.dispatches.count(kernel), 0u) << kernel;
    EXPECT_EQ(counts.dispatches["embed"], 1u);
    EXPECT_EQ(counts.dispatches["matvec unembedding"], 1u);
    EXPECT_EQ(counts.dispatches["sample"], 4u);
    // Position 10 attends to 11 positions, or its window's: keys and values of f32.
    std::uint64_t attended = 0;
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer)
        attended += c.is_sliding_layer(layer) ? std::min(11u, c.sliding_window) : 11u;
    EXPECT_EQ(counts.bytes["attention"], attended * 2 * c.kv_size() * sizeof(float));
    expect_profiled_step_left_the_cache_as_a_plain_one(**profiled, **plain, prompt, 9,
                                                       c.vocab_size);
    // A second profile replays the same timed graph.
    const auto again = (*profiled)->profile_step(4);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(count_profile(*again).dispatches, counts.dispatches);
    EXPECT_EQ((*profiled)->length(), 13u);
}

TEST_F(CudaForwardSequence, AProfiledBatchTimesEachKernelOfEveryLayer) {
    const auto layers = tiny_model_files("tiny-gpt-oss.gguf")->config.layer_count;
    // Room for 120 tokens and a batch of 257, so only the batch's own limit refuses it.
    auto sequence = backend_->create_context(400);
    ASSERT_TRUE(sequence.has_value());
    ASSERT_TRUE((*sequence)->append(std::vector<std::int32_t>(20, 5), {}).has_value());
    const auto kernels = (*sequence)->profile_batch(std::vector<std::int32_t>(100, 7));
    ASSERT_TRUE(kernels.has_value()) << kernels.error().message << ": " << kernels.error().detail;
    EXPECT_EQ((*sequence)->length(), 120u);
    auto counts = count_profile(*kernels);
    EXPECT_EQ(counts.dispatches["embed"], 1u);
    for (const char* kernel :
         {"rope + kv write", "attention prefill", "attention combine", "route experts",
          "group experts", "matmul q/k/v", "matmul attention out", "matmul router",
          "matmul experts gate/up", "matmul experts down", "combine experts"}) {
        EXPECT_EQ(counts.dispatches[kernel], layers) << kernel;
    }
    EXPECT_EQ(counts.dispatches["rms_norm"], 2 * layers);
    EXPECT_EQ(counts.total, 13 * layers + 1);
    EXPECT_EQ((*sequence)->profile_batch_limit(), 256u);
    EXPECT_FALSE((*sequence)->profile_batch(std::vector<std::int32_t>(257, 7)).has_value())
        << "a batch holds 256 tokens";
}

// Over int8 x a step quantizes without launches of its own: its router writes gate/up's codes and
// gate/up down's, so it launches as many kernels as over f32 x. A batch's products read f32 x: it
// quantizes nothing.
TEST(CudaForwardModel, AProfiledStepOverInt8XHasNoQuantizingLaunch) {
    HEARTH_REQUIRE_CUDA_GPU();
    auto backend = made_backend(hearth::cuda::create_cuda_backend(
        tiny_model_files("tiny-gpt-oss.gguf"), {.int_dot = true}));
    ASSERT_TRUE(backend);
    const auto layers = tiny_model_files("tiny-gpt-oss.gguf")->config.layer_count;
    auto sequence = backend->create_context(64);
    ASSERT_TRUE(sequence.has_value());
    const auto batch = (*sequence)->profile_batch(std::vector<std::int32_t>(10, 5));
    ASSERT_TRUE(batch.has_value()) << batch.error().message;
    EXPECT_EQ(count_profile(*batch).dispatches.count("quantize q8"), 0u);
    const auto step = (*sequence)->profile_step(9);
    ASSERT_TRUE(step.has_value()) << step.error().message;
    auto counts = count_profile(*step);
    for (const char* kernel : {"quantize q8", "rms_norm"})
        EXPECT_EQ(counts.dispatches.count(kernel), 0u) << kernel;
    for (const char* kernel : {"matvec router", "matvec experts gate/up", "matvec experts down"}) {
        EXPECT_EQ(counts.dispatches[kernel], layers) << kernel;
    }
    EXPECT_EQ(counts.total, 6 * layers + 6);
}

// A kernel fault breaks a CUDA context for good (cuda.h): the step it struck fails saying that
// the GPU stopped and asking for a reload, and so does every call after it.
TEST(CudaForwardFault, AKernelFaultMidAnswerAsksForAReload) {
    HEARTH_REQUIRE_CUDA_GPU();
    const EmulatedFaults faults;
    if (!faults) GTEST_SKIP() << "only the CUDA emulator faults on demand";
    auto backend = cuda_backend_for("tiny-gpt-oss.gguf");
    ASSERT_TRUE(backend);
    auto sequence = backend->create_context(64);
    ASSERT_TRUE(sequence.has_value());
    std::vector<float> logits(backend->vocab_size());
    ASSERT_TRUE((*sequence)->append(std::vector<std::int32_t>(10, 5), logits).has_value());
    faults.fault_after(10); // within the next step's layers (it launches 6 a layer)
    const std::int32_t token = 7;
    const auto struck = (*sequence)->append(std::span(&token, 1), logits);
    const auto after = (*sequence)->append(std::span(&token, 1), logits);
    faults.repair();
    ASSERT_FALSE(struck.has_value());
    EXPECT_TRUE(struck.error().needs_reload);
    EXPECT_EQ(struck.error().message, "The GPU stopped responding (CUDA fault)");
    EXPECT_NE(struck.error().detail.find("CUDA: "), std::string::npos) << struck.error().detail;
    ASSERT_FALSE(after.has_value());
    EXPECT_TRUE(after.error().needs_reload);
}

TEST(CudaForwardLoad, ExplicitChoiceLoadsOnCudaAndReportsProgress) {
    HEARTH_REQUIRE_CUDA_GPU();
    std::vector<double> seen;
    auto model = hearth::Model::load(
        tiny_model_path("tiny-gpt-oss.gguf"),
        {.backend = hearth::BackendChoice::cuda, .threads = 0, .progress = [&](double done) {
             seen.push_back(done);
             return true;
         }});
    ASSERT_TRUE(model.has_value()) << model.error().message << ": " << model.error().detail;
    EXPECT_EQ((*model)->backend_name(), "cuda");
    EXPECT_NE((*model)->backend_description().find("CUDA on "), std::string::npos);
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen.front(), 0.0);
    EXPECT_EQ(seen.back(), 1.0);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

// On an NVIDIA GPU with a usable driver, automatic selection takes CUDA.
TEST(CudaForwardLoad, AutomaticSelectionChoosesCudaOnAnNvidiaGpu) {
    HEARTH_REQUIRE_CUDA_GPU();
    auto model = hearth::Model::load(tiny_model_path("tiny-gpt-oss.gguf"));
    ASSERT_TRUE(model.has_value()) << model.error().message;
    EXPECT_EQ((*model)->backend_name(), "cuda");
    EXPECT_EQ((*model)->backend_description().find("was not used"), std::string::npos);
}

} // namespace
