// What a model loaded on an NVIDIA GPU consists of; shared by the backend and its sequences.
#pragma once

#include <cstdint>
#include <memory>

#include "cuda_device.h"
#include "cuda_weights.h"
#include "kernel_args.h"
#include "model/model_files.h"

namespace hearth::cuda {

struct CudaModel {
    std::shared_ptr<const model::ModelFiles> files;
    std::unique_ptr<CudaDevice> device; // declared before the weights: outlives their buffers
    CudaWeights weights;
    std::uint32_t kv_format = kernel_args::kv_cache_f16; // the KV cache's layout
    bool int_dot = false;                                // CudaOptions::int_dot
};

} // namespace hearth::cuda
