// Whether the CUDA backend takes a GPU, decided against made-up drivers and GPUs: every refusal
// names its reason.
#include <gtest/gtest.h>

#include "backend/cuda/cuda_selection.h"

namespace {

using hearth::CudaDeviceInfo;
using hearth::CudaReport;
using hearth::cuda::CudaKernels;
using hearth::cuda::judge_cuda;

constexpr std::uint64_t gib = 1ull << 30;

// As this project builds them: SASS for Turing, Ampere, Ada and Blackwell, PTX of Turing, CUDA 13.
const CudaKernels kernels{{75, 86, 89, 120}, 75, 13000};

CudaDeviceInfo gpu(int ordinal, std::string name, int major, int minor, std::uint64_t memory) {
    return {ordinal, std::move(name), major, minor, memory};
}

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(CudaSelection, ADriverThatDidNotLoadGivesItsReason) {
    const auto verdict = judge_cuda(hearth::fail("No NVIDIA driver found"), kernels);
    EXPECT_FALSE(verdict.usable);
    EXPECT_EQ(verdict.reason, "No NVIDIA driver found");
}

TEST(CudaSelection, ABuildWithoutKernelsSaysSo) {
    const auto verdict =
        judge_cuda(CudaReport{13000, {gpu(0, "RTX 4080", 8, 9, 16 * gib)}}, CudaKernels{});
    EXPECT_FALSE(verdict.usable);
    EXPECT_TRUE(mentions(verdict.reason, "no CUDA kernels")) << verdict.reason;
}

TEST(CudaSelection, ADriverWithoutGpusIsRefused) {
    const auto verdict = judge_cuda(CudaReport{13000, {}}, kernels);
    EXPECT_FALSE(verdict.usable);
    EXPECT_EQ(verdict.reason, "the NVIDIA driver reports no GPU");
}

TEST(CudaSelection, AnOldDriverNamesBothCudaVersions) {
    const auto verdict =
        judge_cuda(CudaReport{12040, {gpu(0, "RTX 4080", 8, 9, 16 * gib)}}, kernels);
    EXPECT_FALSE(verdict.usable);
    EXPECT_TRUE(mentions(verdict.reason, "supports CUDA 12.4")) << verdict.reason;
    EXPECT_TRUE(mentions(verdict.reason, "need CUDA 13.0")) << verdict.reason;
}

TEST(CudaSelection, AnArchitectureOlderThanTheKernelsIsRefusedByName) {
    const auto verdict =
        judge_cuda(CudaReport{13000, {gpu(0, "Tesla V100", 7, 0, 32 * gib)}}, kernels);
    EXPECT_FALSE(verdict.usable);
    EXPECT_TRUE(mentions(verdict.reason, "Tesla V100 (sm_70)")) << verdict.reason;
    EXPECT_TRUE(mentions(verdict.reason, "sm_75 or newer")) << verdict.reason;
}

TEST(CudaSelection, GpusWithoutMachineCodeHereRunThePtx) {
    // Data-centre Hopper and Ampere: no SASS in the fatbin, the driver compiles the Turing PTX.
    for (const auto& [major, minor] : {std::pair{9, 0}, std::pair{8, 0}}) {
        const auto verdict =
            judge_cuda(CudaReport{13000, {gpu(0, "H200", major, minor, 141 * gib)}}, kernels);
        EXPECT_TRUE(verdict.usable) << verdict.reason;
        EXPECT_EQ(verdict.ordinal, 0);
    }
    // Without PTX, sm_87 still runs sm_86's machine code (same major version), sm_90 nothing.
    const CudaKernels sass_only{{86}, 0, 13000};
    EXPECT_TRUE(judge_cuda(CudaReport{13000, {gpu(0, "Orin", 8, 7, 32 * gib)}}, sass_only).usable);
    EXPECT_FALSE(judge_cuda(CudaReport{13000, {gpu(0, "H100", 9, 0, 80 * gib)}}, sass_only).usable);
}

TEST(CudaSelection, TheRunnableGpuWithTheMostMemoryIsTaken) {
    const CudaReport report{13000,
                            {gpu(0, "Tesla V100", 7, 0, 32 * gib),
                             gpu(1, "RTX 3060", 8, 6, 12 * gib),
                             gpu(2, "RTX 4090", 8, 9, 24 * gib)}};
    const auto verdict = judge_cuda(report, kernels);
    EXPECT_TRUE(verdict.usable);
    EXPECT_EQ(verdict.ordinal, 2);
    EXPECT_EQ(verdict.device, "RTX 4090");
}

TEST(CudaSelection, AModelLargerThanTheGpuIsRefusedWithBothSizes) {
    const CudaReport report{13000, {gpu(0, "RTX 4060", 8, 9, 8 * gib)}};
    const auto verdict = judge_cuda(report, kernels, 13 * gib);
    EXPECT_FALSE(verdict.usable);
    EXPECT_TRUE(mentions(verdict.reason, "RTX 4060 has 8.0 GiB")) << verdict.reason;
    EXPECT_TRUE(mentions(verdict.reason, "needs 13.0 GiB")) << verdict.reason;
    EXPECT_TRUE(judge_cuda(report, kernels, 7 * gib).usable);
}

} // namespace
