#include "cuda_selection.h"

#include <algorithm>

#include "backend/gib_text.h"

namespace hearth::cuda {
namespace {

std::string cuda_version(int version) {
    return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

// Machine code runs on GPUs of its major version from its own minor up; PTX on its own
// architecture and every newer one.
bool kernels_run_on(const CudaKernels& kernels, int architecture) {
    const bool sass = std::ranges::any_of(kernels.sass_architectures, [&](int built) {
        return built / 10 == architecture / 10 && built <= architecture;
    });
    return sass || (kernels.ptx_architecture > 0 && kernels.ptx_architecture <= architecture);
}

int architecture_of(const CudaDeviceInfo& gpu) {
    return gpu.compute_major * 10 + gpu.compute_minor;
}

} // namespace

CudaKernels built_cuda_kernels() {
#if HEARTH_HAVE_CUDA
    return {{HEARTH_CUDA_SASS_ARCHS}, HEARTH_CUDA_PTX_ARCH, HEARTH_CUDA_TOOLKIT_VERSION};
#else
    return {};
#endif
}

CudaVerdict judge_cuda(const Result<CudaReport>& probe, const CudaKernels& kernels,
                       std::uint64_t needed_bytes) {
    CudaVerdict verdict;
    if (kernels.sass_architectures.empty() && kernels.ptx_architecture == 0) {
        verdict.reason = "this build has no CUDA kernels (nvcc was not found when it was built)";
        return verdict;
    }
    if (!probe) {
        verdict.reason = probe.error().message;
        return verdict;
    }
    if (probe->devices.empty()) {
        verdict.reason = "the NVIDIA driver reports no GPU";
        return verdict;
    }
    if (probe->driver_version < kernels.toolkit_version) {
        verdict.reason = "the NVIDIA driver supports CUDA " + cuda_version(probe->driver_version) +
                         "; Hearth's kernels need CUDA " + cuda_version(kernels.toolkit_version) +
                         " or newer: update the driver";
        return verdict;
    }
    const CudaDeviceInfo* best = nullptr;
    for (const auto& gpu : probe->devices) {
        if (!kernels_run_on(kernels, architecture_of(gpu))) continue;
        if (!best || gpu.total_memory_bytes > best->total_memory_bytes) best = &gpu;
    }
    if (!best) {
        const auto& gpu = probe->devices.front();
        const int oldest = kernels.ptx_architecture > 0
                               ? kernels.ptx_architecture
                               : std::ranges::min(kernels.sass_architectures);
        verdict.reason = "no kernels for " + gpu.name + " (sm_" +
                         std::to_string(architecture_of(gpu)) +
                         "): Hearth's CUDA kernels need sm_" + std::to_string(oldest) + " or newer";
        return verdict;
    }
    verdict.device = best->name;
    if (needed_bytes > best->total_memory_bytes) {
        verdict.reason = best->name + " has " + gib_text(best->total_memory_bytes) +
                         "; the model needs " + gib_text(needed_bytes);
        return verdict;
    }
    verdict.usable = true;
    verdict.ordinal = best->ordinal;
    return verdict;
}

} // namespace hearth::cuda
