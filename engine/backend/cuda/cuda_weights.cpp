#include "cuda_weights.h"

namespace hearth::cuda {

Result<CudaWeights> upload_weights(CudaDevice& device, const model::ModelFiles& files,
                                   const std::function<bool(double)>& progress) {
    return gpu::upload_packed_weights<DeviceBuffer>(
        files, progress, [&](std::span<const std::byte> bytes) -> Result<DeviceBuffer> {
            auto buffer = device.allocate(bytes.size());
            if (!buffer) return buffer;
            if (auto r = device.upload(*buffer, bytes); !r) return std::unexpected(r.error());
            return buffer;
        });
}

} // namespace hearth::cuda
