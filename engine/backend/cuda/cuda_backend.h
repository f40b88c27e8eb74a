// The CUDA backend: the whole forward pass in Hearth's own kernels on an NVIDIA GPU, through the
// driver API loaded at run time (no link-time CUDA dependency).
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "backend/backend.h"
#include "model/model_files.h"

namespace hearth::cuda {

struct CudaOptions {
    // How cached keys and values are kept: f16, f32, or q8 (8-bit, about half f16's memory).
    KvCachePrecision kv_cache = KvCachePrecision::f16;
    // Upload progress (fraction done); returning false cancels loading.
    std::function<bool(double)> progress = {};
    // One token's block-format expert products over int8 x (CudaTuning::int_dot).
    bool int_dot = false;
};

// The kernels this build embeds (empty when nvcc was not found at build time).
std::span<const std::uint32_t> embedded_fatbin();

// `files` must outlive the backend. Fails with the reason (no driver, no kernels for the GPU,
// not enough memory, ...).
Result<std::unique_ptr<Backend>> create_cuda_backend(std::shared_ptr<const model::ModelFiles> files,
                                                     const CudaOptions& options = {});

} // namespace hearth::cuda
