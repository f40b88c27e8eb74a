// Can the CUDA backend take this machine's NVIDIA GPU, and if not, why: in words a user can act
// on, for the UI and `hearth-cli --version` ("the NVIDIA driver supports CUDA 12.4; these kernels
// need CUDA 13.0 or newer"). Decided from the driver probe and what this build embeds, so that
// every case is tested with made-up drivers and GPUs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "hearth/gpu_devices.h"

namespace hearth::cuda {

// What a build's CUDA fatbin holds. Architectures are compute capabilities times ten (sm_86: 86).
struct CudaKernels {
    std::vector<int> sass_architectures; // machine code; empty with ptx_architecture 0: none built
    int ptx_architecture = 0;            // JIT-compiled by the driver for this and newer GPUs
    int toolkit_version = 0;             // the CUDA version that built it (13.0: 13000)
};

// This build's kernels (none when nvcc was not found at build time).
CudaKernels built_cuda_kernels();

struct CudaVerdict {
    bool usable = false;
    int ordinal = -1;   // the GPU to use
    std::string device; // its name
    std::string reason; // why not, when not usable
};

// The GPU with the most memory among those the kernels can run on, holding `needed_bytes`
// (0: not checked), or the reason there is none.
CudaVerdict judge_cuda(const Result<CudaReport>& probe, const CudaKernels& kernels,
                       std::uint64_t needed_bytes = 0);

} // namespace hearth::cuda
