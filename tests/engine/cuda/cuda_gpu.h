// Whether this machine can run the CUDA tests that need a GPU: an NVIDIA GPU, a driver and
// kernels for it in this build. Where it cannot, those tests report themselves skipped with the
// reason; where it can, every failure is a failure.
#pragma once

#include <string>

#include "backend/cuda/cuda_selection.h"

namespace hearth::test {

// Empty when the CUDA tests can run here, else why not.
inline std::string why_no_cuda_gpu() {
    const auto verdict = cuda::judge_cuda(probe_cuda(), cuda::built_cuda_kernels());
    return verdict.usable ? std::string() : verdict.reason;
}

} // namespace hearth::test

// Skips the current test where no usable NVIDIA GPU is present.
#define HEARTH_REQUIRE_CUDA_GPU()                                                                  \
    do {                                                                                           \
        if (const auto why = hearth::test::why_no_cuda_gpu(); !why.empty()) GTEST_SKIP() << why;   \
    } while (false)
