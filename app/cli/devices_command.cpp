#include "devices_command.h"

#include <cstdio>
#include <string>

#include "hearth/gpu_devices.h"

namespace hearth::cli {
namespace {

std::string gib(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
    return text;
}

const char* yes_no(bool value) { return value ? "yes" : "no"; }

void print_vulkan_device(const VulkanDeviceInfo& d) {
    std::printf("  [%u] %s (%s, %s), Vulkan %s\n", d.index, d.name.c_str(), d.vendor.c_str(),
                std::string(to_string(d.kind)).c_str(), d.api_version.c_str());
    std::printf("      device-local memory: %s", gib(d.device_local_bytes).c_str());
    if (d.device_local_budget_bytes) {
        std::printf(" (budget now: %s)", gib(*d.device_local_budget_bytes).c_str());
    }
    std::printf("\n      subgroup size %u, shared memory %u KiB, max storage buffer %s\n",
                d.subgroup_size, d.max_shared_memory_bytes / 1024,
                gib(d.max_storage_buffer_range).c_str());
    const auto& f = d.features;
    std::printf("      fp16 %s, int8 %s, 8-bit storage %s, 16-bit storage %s\n",
                yes_no(f.shader_float16), yes_no(f.shader_int8), yes_no(f.storage_buffer_8bit),
                yes_no(f.storage_buffer_16bit));
    std::printf("      subgroup arithmetic %s, shuffle %s, ballot %s\n",
                yes_no(f.subgroup_arithmetic), yes_no(f.subgroup_shuffle),
                yes_no(f.subgroup_ballot));
    std::printf("      integer dot product %s, memory budget %s, cooperative matrix %s\n",
                f.fast_integer_dot_product ? "yes (in hardware)" : yes_no(f.integer_dot_product),
                yes_no(f.memory_budget), yes_no(f.cooperative_matrix));
}

} // namespace

int run_devices_command(std::span<const std::string_view> args) {
    if (!args.empty()) {
        std::fprintf(stderr, "hearth-cli devices: unexpected argument '%.*s'\n",
                     static_cast<int>(args[0].size()), args[0].data());
        return 2;
    }
    std::printf("Vulkan:\n");
    if (auto devices = enumerate_vulkan_devices(); !devices) {
        std::printf("  unavailable: %s (%s)\n", devices.error().message.c_str(),
                    devices.error().detail.c_str());
    } else if (devices->empty()) {
        std::printf("  no compute-capable Vulkan 1.2 device\n");
    } else {
        for (const auto& device : *devices)
            print_vulkan_device(device);
    }

    std::printf("CUDA:\n");
    if (auto cuda = probe_cuda(); !cuda) {
        std::printf("  unavailable: %s (%s)\n", cuda.error().message.c_str(),
                    cuda.error().detail.c_str());
    } else {
        std::printf("  driver supports CUDA %d.%d\n", cuda->driver_version / 1000,
                    cuda->driver_version % 1000 / 10);
        for (const auto& gpu : cuda->devices) {
            std::printf("  [%d] %s, sm_%d%d, %s\n", gpu.ordinal, gpu.name.c_str(),
                        gpu.compute_major, gpu.compute_minor, gib(gpu.total_memory_bytes).c_str());
        }
    }
    return 0;
}

} // namespace hearth::cli
