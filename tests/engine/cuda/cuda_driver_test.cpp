#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "backend/cuda/cuda_driver.h"
#include "backend/cuda/cuda_driver_api.h"
#if HEARTH_HAVE_CUDA
#include "hearth/cuda_fatbin.h"
#endif

namespace {

using hearth::cuda::CudaDriver;

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(CudaDriver, MissingDriverLibraryIsReportedAsNoDriver) {
    auto driver = CudaDriver::load("libhearth-no-such-driver.so.1");
    ASSERT_FALSE(driver.has_value());
    EXPECT_EQ(driver.error().message, "No NVIDIA driver found");
    EXPECT_TRUE(contains(driver.error().detail, "libhearth-no-such-driver.so.1"))
        << driver.error().detail;
}

TEST(CudaDriver, LibraryWithoutTheDriverSymbolsIsRefused) {
    auto driver = CudaDriver::load("libm.so.6");
    ASSERT_FALSE(driver.has_value());
    EXPECT_EQ(driver.error().message, "The NVIDIA driver is too old or incomplete");
    EXPECT_TRUE(contains(driver.error().detail, "cuInit")) << driver.error().detail;
}

// The CUDA toolkit's stub libcuda has every symbol but no driver behind it: cuInit must fail and
// the failure must read as a clean error, not a crash.
TEST(CudaDriver, StubDriverFailsCleanlyAtInit) {
#ifdef HEARTH_CUDA_STUB
    auto driver = CudaDriver::load(HEARTH_CUDA_STUB);
    ASSERT_FALSE(driver.has_value());
    EXPECT_EQ(driver.error().message, "The NVIDIA driver is installed but could not start");
    EXPECT_TRUE(contains(driver.error().detail, "cuInit")) << driver.error().detail;
#else
    GTEST_SKIP() << "no CUDA toolkit stub libcuda on this machine";
#endif
}

// The faults after which CUDA fails every later call of the context (cuda.h) read as the GPU
// having stopped, asking for a reload; so does running out of memory. Other failures (a launch
// too large, a context not made yet) say what failed and ask nothing.
TEST(CudaDriver, FaultsThatBreakTheContextOrMemoryAskForAReload) {
    const hearth::cuda::DriverApi api{}; // no error strings: the codes stand alone
    for (const int fault : {214, 226, 700, 702, 710, 714, 715, 716, 717, 718, 719}) {
        const auto error = hearth::cuda::fail_cuda(api, "waiting for the stream", fault).error();
        EXPECT_TRUE(error.needs_reload) << fault;
        EXPECT_EQ(error.message, "The GPU stopped responding (CUDA fault)");
        EXPECT_EQ(error.detail,
                  "CUDA: waiting for the stream failed: CUresult " + std::to_string(fault));
    }
    const auto full = hearth::cuda::fail_cuda(api, "waiting for the stream", 2).error();
    EXPECT_TRUE(full.needs_reload);
    EXPECT_EQ(full.message, "The GPU ran out of memory");
    EXPECT_EQ(full.detail, "CUDA: waiting for the stream failed: CUresult 2");
    for (const int other : {1, 701, 709, 713, 720}) {
        const auto error = hearth::cuda::fail_cuda(api, "allocating 4 bytes", other).error();
        EXPECT_FALSE(error.needs_reload) << other;
        EXPECT_EQ(error.message, "CUDA: allocating 4 bytes failed");
    }
}

// Runs only where an NVIDIA GPU and driver exist; elsewhere it is reported as skipped.
TEST(CudaGpu, VectorAddFromTheEmbeddedFatbinMatchesTheCpu) {
#if HEARTH_HAVE_CUDA
    auto driver = CudaDriver::load();
    if (!driver) GTEST_SKIP() << driver.error().message << ": " << driver.error().detail;
    if (driver->devices().empty()) GTEST_SKIP() << "the NVIDIA driver reports no GPU";

    constexpr std::size_t count = 100'003;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-1000.0f, 1000.0f);
    std::vector<float> a(count), b(count);
    for (std::size_t i = 0; i < count; ++i) {
        a[i] = dist(rng);
        b[i] = dist(rng);
    }
    for (const auto& gpu : driver->devices()) {
        SCOPED_TRACE(gpu.name);
        auto sum = driver->run_vector_add(gpu.ordinal, hearth::cuda::fatbin, a, b);
        ASSERT_TRUE(sum.has_value()) << sum.error().message << ": " << sum.error().detail;
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if ((*sum)[i] != a[i] + b[i]) ++mismatches;
        }
        EXPECT_EQ(mismatches, 0u);
    }
#else
    GTEST_SKIP() << "this build has no CUDA kernels (nvcc was not found)";
#endif
}

} // namespace
