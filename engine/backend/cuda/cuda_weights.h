// The model's weights in GPU memory, repacked for the kernels (backend/packed_weights.h).
#pragma once

#include <functional>

#include "backend/packed_weights.h"
#include "cuda_device.h"
#include "hearth/error.h"
#include "model/model_files.h"

namespace hearth::cuda {

using CudaMatrix = gpu::MatrixOn<DeviceBuffer>;
using CudaProjection = gpu::ProjectionOn<DeviceBuffer>;
using CudaLayer = gpu::LayerOn<DeviceBuffer>;
using CudaWeights = gpu::WeightsOn<DeviceBuffer>;

// Repacks and uploads every weight, one layer at a time, telling `progress` (when set) the
// fraction done after each; it returns false to cancel.
Result<CudaWeights> upload_weights(CudaDevice& device, const model::ModelFiles& files,
                                   const std::function<bool(double)>& progress);

} // namespace hearth::cuda
