#include "device_weights.h"

namespace hearth::vk {

Result<DeviceWeights> upload_weights(VulkanDevice& device, const model::ModelFiles& files,
                                     const std::function<bool(double)>& progress) {
    return gpu::upload_packed_weights<Buffer>(
        files, progress, [&](std::span<const std::byte> bytes) -> Result<Buffer> {
            auto buffer = device.create_buffer(bytes.size(), MemoryKind::device_local);
            if (!buffer) return buffer;
            if (auto r = device.upload(*buffer, 0, bytes); !r) return std::unexpected(r.error());
            return buffer;
        });
}

} // namespace hearth::vk
