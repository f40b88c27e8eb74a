#include "vulkan_backend.h"

#include <algorithm>

#include "device_query.h"
#include "vulkan_sequence.h"

namespace hearth::vk {
namespace {

// The route_experts shader keeps the chosen experts in a fixed array of this size.
constexpr std::uint32_t max_experts_per_token = 8;
// The attention and rope shaders keep a head in registers and shared memory.
constexpr std::uint32_t max_head_dim = 256;

int preference(DeviceKind kind) {
    switch (kind) {
    case DeviceKind::discrete_gpu: return 4;
    case DeviceKind::integrated_gpu: return 3;
    case DeviceKind::virtual_gpu: return 2;
    case DeviceKind::other: return 1;
    case DeviceKind::cpu: return 0;
    }
    return 0;
}

std::optional<VulkanDeviceInfo> best_device(const std::vector<VulkanDeviceInfo>& devices) {
    auto better = [](const VulkanDeviceInfo& a, const VulkanDeviceInfo& b) {
        if (preference(a.kind) != preference(b.kind))
            return preference(a.kind) < preference(b.kind);
        return a.device_local_bytes < b.device_local_bytes;
    };
    auto it = std::max_element(devices.begin(), devices.end(), better);
    if (it == devices.end()) return std::nullopt;
    return *it;
}

std::string gib(std::uint64_t bytes) {
    const auto tenths = (bytes * 10 + (1ull << 29)) >> 30;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " GiB";
}

// Device memory traffic per second (bytes read + bytes written) of the fastest of a few
// device-to-device copies, timed on the device: what decoding could at best stream.
Result<double> measure_copy_bandwidth(VulkanDevice& device) {
    constexpr std::size_t bytes = 128u << 20; // every device can address this much in a buffer
    constexpr std::uint32_t repeats = 4;
    auto source = device.create_buffer(bytes, MemoryKind::device_local);
    if (!source) return std::unexpected(source.error());
    auto target = device.create_buffer(bytes, MemoryKind::device_local);
    if (!target) return std::unexpected(target.error());
    auto timestamps = device.create_timestamp_pool(2 * repeats);
    if (!timestamps) return std::unexpected(timestamps.error());
    auto list = device.create_command_list();
    if (!list) return std::unexpected(list.error());
    if (auto r = list->begin(); !r) return std::unexpected(r.error());
    list->reset_timestamps(*timestamps, 2 * repeats);
    for (std::uint32_t i = 0; i < repeats; ++i) {
        list->barrier();
        list->write_timestamp(*timestamps, 2 * i);
        list->copy(*source, 0, *target, 0, bytes);
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
    if (best == 0) return fail("The GPU's timestamps did not advance during a copy");
    return 2.0 * bytes / best;
}

class VulkanBackend final : public Backend {
  public:
    explicit VulkanBackend(std::unique_ptr<VulkanModel> model) : model_(std::move(model)) {}
    std::string_view name() const override { return "vulkan"; }
    std::string description() const override { return "Vulkan on " + model_->device_name; }
    Result<double> measure_bandwidth() override { return measure_copy_bandwidth(model_->device); }
    std::uint32_t vocab_size() const override { return model_->files->config.vocab_size; }
    Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) override {
        const auto limit = model_->files->config.context_length;
        if (max_positions == 0 || max_positions > limit) {
            return fail("The context size must be between 1 and " + std::to_string(limit) +
                        " tokens");
        }
        return create_vulkan_sequence(*model_, max_positions);
    }

  private:
    std::unique_ptr<VulkanModel> model_;
};

} // namespace

bool has_vulkan_gpu() {
    auto devices = enumerate_vulkan_devices();
    if (!devices) return false;
    auto best = best_device(*devices);
    return best && best->kind != DeviceKind::cpu;
}

Result<std::unique_ptr<Backend>>
create_vulkan_backend(std::shared_ptr<const model::ModelFiles> files,
                      const VulkanOptions& options) {
    const auto& c = files->config;
    if (c.experts_per_token > max_experts_per_token || c.head_dim > max_head_dim ||
        c.head_dim % 2 != 0 || c.head_count % c.kv_head_count != 0) {
        return fail("The Vulkan backend cannot run this model's shape",
                    "experts per token <= 8 and an even head size <= 256 are supported");
    }
    auto instance = VulkanInstance::create();
    if (!instance) return std::unexpected(instance.error());
    const auto devices = (*instance)->describe_devices();
    std::optional<VulkanDeviceInfo> chosen;
    if (options.device_index) {
        if (*options.device_index < devices.size()) chosen = devices[*options.device_index];
    } else {
        chosen = best_device(devices);
    }
    if (!chosen) return fail("No Vulkan device to run the model on");
    // attention_decode.comp keeps a query, 64 running maxima and sums, and 64 padded partial
    // outputs of a head in shared memory.
    const std::uint64_t attention_shared = 4ull * (c.head_dim + 128 + 64ull * (c.head_dim + 1));
    if (attention_shared > chosen->max_shared_memory_bytes) {
        return fail(chosen->name + " has too little shared memory for this model's attention",
                    std::to_string(attention_shared) + " bytes needed, " +
                        std::to_string(chosen->max_shared_memory_bytes) + " available");
    }

    const std::uint64_t needed = device_weight_bytes(*files);
    const std::uint64_t available =
        chosen->device_local_budget_bytes.value_or(chosen->device_local_bytes);
    if (needed > available) {
        return fail("The model does not fit on " + chosen->name,
                    "its weights need " + gib(needed) + " of GPU memory and " + gib(available) +
                        " is available");
    }

    auto device = VulkanDevice::open(*instance, chosen->index);
    if (!device) return std::unexpected(device.error());
    auto weights = upload_weights(*device, *files, options.progress);
    if (!weights) return std::unexpected(weights.error());
    auto pipelines = create_forward_pipelines(*device, c, *weights, *chosen, options.kv_cache_f16);
    if (!pipelines) return std::unexpected(pipelines.error());
    auto model = std::unique_ptr<VulkanModel>(
        new VulkanModel{std::move(files), chosen->name, std::move(*device), std::move(*weights),
                        std::move(*pipelines)});
    return std::make_unique<VulkanBackend>(std::move(model));
}

} // namespace hearth::vk
