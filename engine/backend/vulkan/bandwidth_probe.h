// How fast the device's memory streams, timed on the device: a compute shader reading a large
// buffer (the limit decoding is measured against, since decoding reads weights and writes next to
// nothing) and a buffer copy (reads + writes, the figure other tools quote).
#pragma once

#include "hearth/model.h"
#include "vulkan_device.h"

namespace hearth::vk {

Result<MemoryBandwidth> measure_memory_bandwidth(VulkanDevice& device);

} // namespace hearth::vk
