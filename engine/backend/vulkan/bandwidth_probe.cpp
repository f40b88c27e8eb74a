#include "bandwidth_probe.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "hearth/spirv.h"
#include "kernel_args.h"

namespace hearth::vk {
namespace {

constexpr std::uint32_t repeats = 4;

// Records `repeats` timed runs of `work` and returns the fastest one's seconds.
Result<double> fastest_run(VulkanDevice& device, const std::function<void(CommandList&)>& work) {
    auto timestamps = device.create_timestamp_pool(2 * repeats);
    if (!timestamps) return std::unexpected(timestamps.error());
    auto list = device.create_command_list();
    if (!list) return std::unexpected(list.error());
    if (auto r = list->begin(); !r) return std::unexpected(r.error());
    list->reset_timestamps(*timestamps, 2 * repeats);
    for (std::uint32_t i = 0; i < repeats; ++i) {
        list->barrier();
        list->write_timestamp(*timestamps, 2 * i);
        work(*list);
        list->barrier();
        list->write_timestamp(*timestamps, 2 * i + 1);
    }
    if (auto r = list->end(); !r) return std::unexpected(r.error());
    if (auto r = device.submit_and_wait(*list); !r) return std::unexpected(r.error());
    auto seconds = timestamps->read_seconds(2 * repeats);
    if (!seconds) return std::unexpected(seconds.error());
    double best = 0;
    for (std::uint32_t i = 0; i < repeats; ++i) {
        const double elapsed = (*seconds)[2 * i + 1] - (*seconds)[2 * i];
        if (elapsed > 0 && (best == 0 || elapsed < best)) best = elapsed;
    }
    if (best == 0) return fail("The GPU's timestamps did not advance while measuring its memory");
    return best;
}

// Bytes read + written per second by a device-to-device copy (every device can address this
// much in one buffer).
Result<double> copy_bandwidth(VulkanDevice& device) {
    constexpr std::size_t bytes = 128u << 20;
    auto source = device.create_buffer(bytes, MemoryKind::device_local);
    if (!source) return std::unexpected(source.error());
    auto target = device.create_buffer(bytes, MemoryKind::device_local);
    if (!target) return std::unexpected(target.error());
    auto seconds =
        fastest_run(device, [&](CommandList& list) { list.copy(*source, 0, *target, 0, bytes); });
    if (!seconds) return std::unexpected(seconds.error());
    return 2.0 * bytes / *seconds;
}

// Bytes read per second by bandwidth_read.comp over a buffer several times any GPU's last-level
// cache (as large as the device lets one buffer be, up to 512 MiB).
Result<double> read_bandwidth(VulkanDevice& device) {
    const std::size_t bytes =
        std::min<std::size_t>(512u << 20, device.limits().maxStorageBufferRange) & ~std::size_t{15};
    auto source = device.create_buffer(bytes, MemoryKind::device_local);
    if (!source) return std::unexpected(source.error());
    auto sink = device.create_buffer(16, MemoryKind::device_local);
    if (!sink) return std::unexpected(sink.error());
    auto pipeline = device.create_pipeline(
        spirv::bandwidth_read,
        {.storage_buffer_count = 2, .push_constant_bytes = sizeof(kernel_args::BandwidthReadArgs)});
    if (!pipeline) return std::unexpected(pipeline.error());
    auto arena = device.create_descriptor_arena(1, 2);
    if (!arena) return std::unexpected(arena.error());
    const Buffer* buffers[] = {&*source, &*sink};
    auto set = arena->bind(*pipeline, buffers);
    if (!set) return std::unexpected(set.error());
    const kernel_args::BandwidthReadArgs args{static_cast<std::uint32_t>(bytes / 16), 0x9E3779B9u};
    // About eight loads per invocation (128 to a workgroup): enough in flight, few enough groups
    // for any device.
    const auto groups =
        static_cast<std::uint32_t>(std::clamp<std::size_t>(bytes / 16 / (128 * 8), 1, 65535));
    auto seconds = fastest_run(device, [&](CommandList& list) {
        list.dispatch(*pipeline, *set, std::as_bytes(std::span(&args, 1)), groups);
    });
    if (!seconds) return std::unexpected(seconds.error());
    return static_cast<double>(bytes) / *seconds;
}

} // namespace

Result<MemoryBandwidth> measure_memory_bandwidth(VulkanDevice& device) {
    auto read = read_bandwidth(device);
    if (!read) return std::unexpected(read.error());
    auto copy = copy_bandwidth(device);
    if (!copy) return std::unexpected(copy.error());
    return MemoryBandwidth{.read_bytes_per_second = *read, .copy_bytes_per_second = *copy};
}

} // namespace hearth::vk
