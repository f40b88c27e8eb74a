#include "cuda_backend.h"

#include "backend/append_checks.h"
#include "backend/gib_text.h"
#include "backend/kv_cache_layout.h"
#include "backend/packed_weights.h"
#include "cuda_bandwidth.h"
#include "cuda_model.h"
#include "cuda_selection.h"
#include "cuda_sequence.h"
#include "kernels/launch_shapes.h"
#if HEARTH_HAVE_CUDA
#include "hearth/cuda_fatbin.h"
#endif

namespace hearth::cuda {
namespace {

// The weights and the loaded kernels must leave this much free for a context's cache.
constexpr std::uint64_t load_headroom_bytes = 256ull << 20;

class CudaBackend final : public Backend {
  public:
    explicit CudaBackend(std::unique_ptr<CudaModel> model) : model_(std::move(model)) {}
    std::string_view name() const override { return "cuda"; }
    std::string description() const override { return "CUDA on " + model_->device->name(); }
    Result<MemoryBandwidth> measure_bandwidth() override {
        return measure_memory_bandwidth(*model_->device);
    }
    std::uint64_t device_memory_bytes() const override { return model_->device->allocated_bytes(); }
    std::optional<std::uint64_t> device_memory_free() const override {
        auto free_bytes = model_->device->free_memory();
        if (!free_bytes) return std::nullopt;
        return *free_bytes;
    }
    std::uint32_t vocab_size() const override { return model_->files->config.vocab_size; }
    std::uint64_t kv_cache_row_bytes() const override {
        return gpu::kv_cache_row_bytes(model_->kv_format, model_->files->config.head_dim);
    }
    Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) override {
        if (auto ok = check_context_size(model_->files->config, max_positions); !ok) {
            return std::unexpected(ok.error());
        }
        return create_cuda_sequence(*model_, max_positions);
    }

  private:
    std::unique_ptr<CudaModel> model_;
};

} // namespace

std::span<const std::uint32_t> embedded_fatbin() {
#if HEARTH_HAVE_CUDA
    return fatbin;
#else
    return {};
#endif
}

Result<std::unique_ptr<Backend>> create_cuda_backend(std::shared_ptr<const model::ModelFiles> files,
                                                     const CudaOptions& options) {
    const auto& c = files->config;
    if (c.experts_per_token > shapes::max_experts_per_token ||
        c.expert_count > shapes::max_experts || c.head_dim > shapes::attention_max_head_dim ||
        c.head_dim % 2 != 0 || c.head_count % c.kv_head_count != 0) {
        return fail(
            "The CUDA backend cannot run this model's shape",
            "up to 256 experts, 8 of them per token, and an even head size <= 256 are supported");
    }
    if (auto ok = gpu::check_kv_cache_precision(c, options.kv_cache); !ok) {
        return std::unexpected(ok.error());
    }
    auto driver = CudaDriver::load();
    if (!driver) return std::unexpected(driver.error());
    const std::uint64_t needed = gpu::packed_weight_bytes(*files);
    const auto verdict = judge_cuda(CudaReport{driver->driver_version(), driver->devices()},
                                    built_cuda_kernels(), needed);
    if (!verdict.usable) return fail("The CUDA backend cannot run here", verdict.reason);
    auto device = CudaDevice::open(std::move(*driver), verdict.ordinal, embedded_fatbin());
    if (!device) return std::unexpected(device.error());
    auto free_bytes = (*device)->free_memory();
    if (!free_bytes) return std::unexpected(free_bytes.error());
    if (needed + load_headroom_bytes > *free_bytes) {
        return fail("The model does not fit on " + (*device)->name(),
                    "its weights need " + gib_text(needed) + " of GPU memory and " +
                        gib_text(*free_bytes) + " is free");
    }
    auto weights = upload_weights(**device, *files, options.progress);
    if (!weights) return std::unexpected(weights.error());
    auto model = std::unique_ptr<CudaModel>(
        new CudaModel{std::move(files), std::move(*device), std::move(*weights),
                      gpu::kv_cache_format(options.kv_cache), options.int_dot});
    return std::make_unique<CudaBackend>(std::move(model));
}

} // namespace hearth::cuda
