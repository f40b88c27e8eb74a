// A sequence (KV cache, activations and the captured forward passes) on an NVIDIA GPU.
#pragma once

#include <cstdint>
#include <memory>

#include "cuda_model.h"
#include "hearth/error.h"
#include "hearth/model.h"

namespace hearth::cuda {

// `model` must outlive the sequence.
Result<std::unique_ptr<Sequence>> create_cuda_sequence(CudaModel& model,
                                                       std::uint32_t max_positions);

} // namespace hearth::cuda
