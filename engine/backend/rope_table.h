// The YaRN RoPE rotation of every position as the rope_kv_write kernels (Vulkan, CUDA) read it: per
// position, head_dim / 2 cosines then as many sines, the concentration factor included. Computed on
// the host exactly as the CPU backend rotates, so both backends use bit-identical angles.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace hearth::gpu {

std::vector<float> rope_table(const model::ModelConfig& config, std::uint32_t positions);

} // namespace hearth::gpu
