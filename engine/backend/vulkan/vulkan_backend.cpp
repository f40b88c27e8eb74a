#include "vulkan_backend.h"

#include <algorithm>

#include "backend/append_checks.h"
#include "backend/gib_text.h"
#include "backend/kv_cache_layout.h"
#include "backend/packed_weights.h"
#include "bandwidth_probe.h"
#include "device_query.h"
#include "forward_pipelines.h"
#include "kernel_args.h"
#include "vulkan_sequence.h"

namespace hearth::vk {
namespace {

// The route_experts shader keeps the chosen experts and all the logits in fixed arrays.
constexpr std::uint32_t max_experts_per_token = 8;
constexpr std::uint32_t max_experts = 256;
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

class VulkanBackend final : public Backend {
  public:
    explicit VulkanBackend(std::unique_ptr<VulkanModel> model) : model_(std::move(model)) {}
    std::string_view name() const override { return "vulkan"; }
    std::string description() const override { return "Vulkan on " + model_->device_name; }
    Result<MemoryBandwidth> measure_bandwidth() override {
        return measure_memory_bandwidth(model_->device);
    }
    std::uint32_t vocab_size() const override { return model_->files->config.vocab_size; }
    std::uint64_t kv_cache_row_bytes() const override {
        return gpu::kv_cache_row_bytes(model_->pipelines.kv_format, model_->files->config.head_dim);
    }
    std::uint64_t device_memory_bytes() const override {
        return model_->device.device_local_bytes();
    }
    // VK_EXT_memory_budget's figure, else the device-local heaps less what this model holds.
    std::optional<std::uint64_t> device_memory_free() const override {
        const auto info = describe_device(model_->device.physical_device(), 0);
        if (info.device_local_budget_bytes) return info.device_local_budget_bytes;
        const std::uint64_t held = device_memory_bytes();
        return info.device_local_bytes > held ? info.device_local_bytes - held : 0;
    }
    Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) override {
        if (auto ok = check_context_size(model_->files->config, max_positions); !ok) {
            return std::unexpected(ok.error());
        }
        return create_vulkan_sequence(*model_, max_positions);
    }

  private:
    std::unique_ptr<VulkanModel> model_;
};

} // namespace

Result<VulkanDeviceInfo> preferred_vulkan_gpu() {
    auto devices = enumerate_vulkan_devices();
    if (!devices) return std::unexpected(devices.error());
    auto best = best_device(*devices);
    if (!best) return fail("no Vulkan device");
    if (best->kind == DeviceKind::cpu)
        return fail("no GPU, only a CPU driver (" + best->name + ")");
    return *best;
}

Result<std::unique_ptr<Backend>>
create_vulkan_backend(std::shared_ptr<const model::ModelFiles> files,
                      const VulkanOptions& options) {
    const auto& c = files->config;
    // attention_decode.comp gives each query head of a KV head invocations of one workgroup.
    if (c.experts_per_token > max_experts_per_token || c.expert_count > max_experts ||
        c.head_dim > max_head_dim || c.head_dim % 2 != 0 || c.head_count % c.kv_head_count != 0 ||
        c.head_count / c.kv_head_count > attention_decode_invocations) {
        return fail("The Vulkan backend cannot run this model's shape",
                    "up to 256 experts, 8 of them per token, an even head size <= 256 and up to " +
                        std::to_string(attention_decode_invocations) +
                        " query heads per key/value head are supported");
    }
    const std::uint32_t batch_tokens =
        options.tuning.batch_tokens != 0 ? options.tuning.batch_tokens : default_batch_tokens;
    if (batch_tokens % kernel_args::matmul_tile_tokens != 0 || batch_tokens > max_batch_tokens) {
        return fail("Vulkan: a prompt batch takes a multiple of " +
                    std::to_string(kernel_args::matmul_tile_tokens) + " tokens, up to " +
                    std::to_string(max_batch_tokens));
    }
    if (auto ok = gpu::check_kv_cache_precision(c, options.kv_cache); !ok) {
        return std::unexpected(ok.error());
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
    // Vulkan promises 4 storage buffers a dispatch; the kernels bind up to most_bindings.
    if (chosen->max_storage_buffers_per_stage < most_bindings) {
        return fail(chosen->name + " binds too few buffers to a kernel for Hearth's",
                    std::to_string(most_bindings) + " needed, " +
                        std::to_string(chosen->max_storage_buffers_per_stage) + " available");
    }
    // matmul.comp (a prompt's batches) takes a fixed workgroup and its tiles in shared memory.
    const std::uint32_t widest = widest_workgroup(*chosen);
    if (matmul_shared_bytes > chosen->max_shared_memory_bytes ||
        kernel_args::matmul_invocations > widest) {
        return fail(chosen->name + " has too small workgroups for a prompt's batches",
                    std::to_string(matmul_shared_bytes) + " bytes of shared memory and " +
                        std::to_string(kernel_args::matmul_invocations) + " invocations needed, " +
                        std::to_string(chosen->max_shared_memory_bytes) + " and " +
                        std::to_string(widest) + " available");
    }

    const std::uint64_t needed = gpu::packed_weight_bytes(*files);
    const std::uint64_t available =
        chosen->device_local_budget_bytes.value_or(chosen->device_local_bytes);
    if (needed > available) {
        return fail("The model does not fit on " + chosen->name,
                    "its weights need " + gib_text(needed) + " of GPU memory and " +
                        gib_text(available) + " is available");
    }

    auto device = VulkanDevice::open(*instance, chosen->index);
    if (!device) return std::unexpected(device.error());
    auto weights = upload_weights(*device, *files, options.progress);
    if (!weights) return std::unexpected(weights.error());
    auto pipelines = create_forward_pipelines(
        *device, c, *weights, *chosen, gpu::kv_cache_format(options.kv_cache), options.tuning);
    if (!pipelines) return std::unexpected(pipelines.error());
    auto model = std::unique_ptr<VulkanModel>(
        new VulkanModel{std::move(files), chosen->name, std::move(*device), std::move(*weights),
                        std::move(*pipelines), batch_tokens});
    return std::make_unique<VulkanBackend>(std::move(model));
}

} // namespace hearth::vk
