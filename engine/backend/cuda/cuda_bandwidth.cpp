#include "cuda_bandwidth.h"

#include <chrono>
#include <functional>

#include "kernel_args.h"

namespace hearth::cuda {
namespace {

constexpr std::uint32_t repeats = 8;
// Several times any GPU's last-level cache, and little enough to fit beside a loaded model.
constexpr std::uint64_t stream_bytes = 512ull << 20;
constexpr unsigned block = 256;

// Seconds per run of `work`, averaged over `repeats` runs after a warm-up one. Timed on the host
// around a stream synchronisation: at half a gigabyte per run the launch overhead is far below 1%.
Result<double> seconds_per_run(CudaDevice& device, const std::function<Result<void>()>& work) {
    if (auto r = work(); !r) return std::unexpected(r.error());
    if (auto r = device.synchronize(); !r) return std::unexpected(r.error());
    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < repeats; ++i) {
        if (auto r = work(); !r) return std::unexpected(r.error());
    }
    if (auto r = device.synchronize(); !r) return std::unexpected(r.error());
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / repeats;
}

} // namespace

Result<MemoryBandwidth> measure_memory_bandwidth(CudaDevice& device) {
    const auto held = device.hold_stream(); // no other work in the timed runs
    auto source = device.allocate(stream_bytes);
    if (!source) return std::unexpected(source.error());
    auto target = device.allocate(stream_bytes);
    if (!target) return std::unexpected(target.error());
    const auto words = static_cast<unsigned>(stream_bytes / 16);
    // Enough blocks to fill any GPU; the loops stride over the rest.
    const LaunchShape shape{4096, 1, 1, block};
    const kernel_args::BandwidthReadArgs read_args{words, 0x9E3779B9u};
    auto read = seconds_per_run(device, [&] {
        return device.launch("bandwidth_read", shape, source->address(), target->address(),
                             read_args);
    });
    if (!read) return std::unexpected(read.error());
    auto copy = seconds_per_run(device, [&] {
        return device.launch("bandwidth_copy", shape, source->address(), target->address(), words);
    });
    if (!copy) return std::unexpected(copy.error());
    return MemoryBandwidth{static_cast<double>(stream_bytes) / *read,
                           2.0 * static_cast<double>(stream_bytes) / *copy};
}

} // namespace hearth::cuda
