// The memory bandwidth of an NVIDIA GPU, streamed by Hearth's own kernels (kernels/bandwidth.cuh).
#pragma once

#include "cuda_device.h"
#include "hearth/error.h"
#include "hearth/model.h"

namespace hearth::cuda {

Result<MemoryBandwidth> measure_memory_bandwidth(CudaDevice& device);

} // namespace hearth::cuda
