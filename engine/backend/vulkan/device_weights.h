// The model's weights in GPU memory, repacked for the shaders (weight_packing.h): matrices with
// their rows in the order the kernels index them, norms, sinks and biases as f32.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "hearth/error.h"
#include "model/model_files.h"
#include "vulkan_device.h"

namespace hearth::vk {

struct DeviceMatrix {
    std::uint32_t format = 0; // kernel_args weight_format_*
    std::uint64_t rows = 0;   // all stack entries together
    std::uint64_t cols = 0;
    Buffer codes, scales; // scales: a 4-byte placeholder for formats without them
};

struct DeviceProjection {
    DeviceMatrix matrix;
    Buffer bias; // one f32 per row of the matrix (zeros where the model has no bias)
};

struct DeviceLayer {
    Buffer attn_norm, mlp_norm, sinks;
    DeviceProjection qkv; // the query rows, then the key rows, then the value rows
    DeviceProjection out, router;
    DeviceProjection gate_up; // per expert: its gate rows, then its up rows
    DeviceProjection down;    // per expert: hidden-size rows
};

struct DeviceWeights {
    DeviceMatrix embedding;
    std::vector<DeviceLayer> layers;
    Buffer final_norm;
    DeviceProjection unembedding;
};

// GPU memory the repacked weights take, known before anything is allocated.
std::uint64_t device_weight_bytes(const model::ModelFiles& files);

// Repacks and uploads every weight, one tensor at a time (host memory stays bounded by the
// largest tensor), telling `progress` (when set) the fraction done after each; it returns false
// to cancel.
Result<DeviceWeights> upload_weights(VulkanDevice& device, const model::ModelFiles& files,
                                     const std::function<bool(double)>& progress);

} // namespace hearth::vk
