// What a model loaded on an NVIDIA GPU consists of; shared by the backend and its sequences.
#pragma once

#include <memory>

#include "cuda_device.h"
#include "cuda_weights.h"
#include "model/model_files.h"

namespace hearth::cuda {

struct CudaModel {
    std::shared_ptr<const model::ModelFiles> files;
    std::unique_ptr<CudaDevice> device; // declared before the weights: outlives their buffers
    CudaWeights weights;
    bool kv_cache_f16 = true;
};

} // namespace hearth::cuda
