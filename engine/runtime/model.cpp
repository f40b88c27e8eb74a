#include "hearth/model.h"

#include "backend/cpu/cpu_backend.h"
#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_selection.h"
#include "backend/vulkan/vulkan_backend.h"
#include "model/gguf_tokenizer.h"
#include "model/model_files.h"
#include "traffic.h"

namespace hearth {
namespace {

class LoadedModel final : public Model {
  public:
    LoadedModel(std::shared_ptr<const model::ModelFiles> files, Tokenizer tokenizer,
                std::unique_ptr<Backend> backend, std::string fallback_reason)
        : files_(std::move(files)), tokenizer_(std::move(tokenizer)), backend_(std::move(backend)),
          fallback_reason_(std::move(fallback_reason)) {}

    std::string_view backend_name() const override { return backend_->name(); }
    std::string backend_description() const override {
        if (fallback_reason_.empty()) return backend_->description();
        return backend_->description() + " (" + fallback_reason_ + ")";
    }
    const Tokenizer& tokenizer() const override { return tokenizer_; }
    std::uint32_t vocab_size() const override { return files_->config.vocab_size; }
    std::uint32_t context_length() const override { return files_->config.context_length; }
    Result<std::unique_ptr<Sequence>> new_sequence(std::uint32_t max_tokens) override {
        return backend_->create_context(max_tokens);
    }
    Result<MemoryBandwidth> measure_device_bandwidth() const override {
        return backend_->measure_bandwidth();
    }
    std::uint64_t device_memory_bytes() const override { return backend_->device_memory_bytes(); }
    std::optional<std::uint64_t> device_memory_free() const override {
        return backend_->device_memory_free();
    }
    std::uint64_t bytes_read_per_token(std::uint32_t context) const override {
        return model::bytes_read_per_token(*files_, context, backend_->kv_cache_row_bytes());
    }

  private:
    std::shared_ptr<const model::ModelFiles> files_;
    Tokenizer tokenizer_;
    std::unique_ptr<Backend> backend_;
    std::string fallback_reason_;
};

struct ChosenBackend {
    std::unique_ptr<Backend> backend;
    std::string fallback_reason; // which GPU backend automatic selection did not take, and why
};

std::string error_text(const Error& error) {
    return error.detail.empty() ? error.message : error.message + ": " + error.detail;
}

// Whether automatic selection takes CUDA here: an NVIDIA GPU, a driver new enough and kernels
// for its architecture.
bool cuda_preferred() { return cuda::judge_cuda(probe_cuda(), cuda::built_cuda_kernels()).usable; }

// CUDA when asked for, or automatically on an NVIDIA GPU it can use; Vulkan when asked for, or
// automatically when the machine has a GPU (not a CPU driver such as lavapipe) or a Vulkan device
// was named; the CPU otherwise, and when the automatic choice could not use the GPU.
Result<ChosenBackend> create_backend(const std::shared_ptr<const model::ModelFiles>& files,
                                     const ModelOptions& options) {
    std::string fallback_reason;
    const bool automatic = options.backend == BackendChoice::automatic;
    const bool cuda_asked = options.backend == BackendChoice::cuda;
    if (cuda_asked || (automatic && cuda_preferred())) {
        auto made = cuda::create_cuda_backend(files, {.kv_cache = options.kv_cache,
                                                      .progress = options.progress,
                                                      .int_dot = options.cuda_tuning.int_dot});
        if (made) return ChosenBackend{std::move(*made), {}};
        if (!automatic || is_cancelled(made.error())) return std::unexpected(made.error());
        fallback_reason = "CUDA was not used: " + error_text(made.error());
    }
    if (options.backend == BackendChoice::vulkan ||
        (automatic && (options.vulkan_device || vk::preferred_vulkan_gpu().has_value()))) {
        auto vulkan = vk::create_vulkan_backend(files, {.device_index = options.vulkan_device,
                                                        .kv_cache = options.kv_cache,
                                                        .progress = options.progress,
                                                        .tuning = options.vulkan_tuning});
        if (vulkan) return ChosenBackend{std::move(*vulkan), std::move(fallback_reason)};
        if (!automatic || is_cancelled(vulkan.error())) return std::unexpected(vulkan.error());
        if (!fallback_reason.empty()) fallback_reason += "; ";
        fallback_reason += "Vulkan was not used: " + error_text(vulkan.error());
    }
    auto cpu = cpu::create_cpu_backend(files, {.threads = options.threads});
    if (!cpu) return std::unexpected(cpu.error());
    return ChosenBackend{std::move(*cpu), std::move(fallback_reason)};
}

} // namespace

bool Sequence::times_kernels() const { return false; }

Result<std::vector<KernelProfile>> Sequence::profile_step(std::int32_t) {
    return fail("This backend does not time its kernels");
}

Result<std::vector<KernelProfile>> Sequence::profile_batch(std::span<const std::int32_t>) {
    return fail("This backend does not time its kernels");
}

std::uint32_t Sequence::profile_batch_limit() const { return 0; }

Result<void> Sequence::save_rewind_point() { return {}; }

bool Sequence::samples_on_device(const SamplingSettings&) const { return false; }

std::uint64_t Sequence::steps_found_ahead() const { return 0; }

Result<void> Sequence::exclude_from_sampling(const std::vector<bool>&) {
    return fail("This backend samples on the host");
}

Result<std::int32_t> Sequence::append_and_sample(std::span<const std::int32_t>,
                                                 const SamplingSettings&, float,
                                                 std::optional<float>) {
    return fail("This backend samples on the host");
}

Result<std::shared_ptr<Model>> Model::load(const std::filesystem::path& path,
                                           const ModelOptions& options) {
    auto files = model::open_model_files(path);
    if (!files) return std::unexpected(files.error());
    auto tokenizer = model::tokenizer_of(*files);
    if (!tokenizer) return std::unexpected(tokenizer.error());
    auto shared = std::make_shared<const model::ModelFiles>(std::move(*files));
    auto backend = create_backend(shared, options);
    if (!backend) return std::unexpected(backend.error());
    return std::make_shared<LoadedModel>(std::move(shared), std::move(*tokenizer),
                                         std::move(backend->backend),
                                         std::move(backend->fallback_reason));
}

} // namespace hearth
