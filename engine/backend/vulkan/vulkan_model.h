// What a model loaded on a Vulkan device consists of; shared by the backend and its sequences.
#pragma once

#include <memory>
#include <string>

#include "backend/cache_window.h"
#include "device_weights.h"
#include "forward_pipelines.h"
#include "model/model_files.h"
#include "vulkan_device.h"

namespace hearth::vk {

// Prefill runs the prompt through the batch recording this many tokens at a time (all but the
// last token, which the step with logits takes): whole token tiles of matmul.comp. Each batch
// reads nearly every expert's weights, so longer batches read them fewer times per prompt, and
// fill more of each expert's 32-entry tiles: with 4 of 32 experts a token, a batch of 128 gives
// an expert about 16 entries, half a tile; 256 about a whole one. A short batch costs little, as
// the kernels skip what lies past the step's count. The fit check reserves scratch for a chunk
// of as many tokens (fit_check.h), but counts less per token than this backend's buffers take
// (about 74 MB for the 20b): its headroom covers the difference. hearth-bench --vulkan-tuning
// may choose another batch.
inline constexpr std::uint32_t default_batch_tokens = 256;
// The longest batch a tuning run may choose. A batch writes its keys and values into a sliding
// layer's ring before its first token reads the window before it: past the slack, the last would
// overwrite the first's.
inline constexpr std::uint32_t max_batch_tokens = 1024;
static_assert(max_batch_tokens <= sliding_rewind_slack + 1);

struct VulkanModel {
    std::shared_ptr<const model::ModelFiles> files;
    std::string device_name;
    VulkanDevice device;
    DeviceWeights weights;
    ForwardPipelines pipelines;
    std::uint32_t batch_tokens = default_batch_tokens; // a multiple of matmul_tile_tokens
};

} // namespace hearth::vk
