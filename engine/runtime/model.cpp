#include "hearth/model.h"

#include "backend/cpu/cpu_backend.h"
#include "backend/vulkan/vulkan_backend.h"
#include "model/gguf_tokenizer.h"
#include "model/model_files.h"
#include "traffic.h"

namespace hearth {
namespace {

class LoadedModel final : public Model {
  public:
    LoadedModel(std::shared_ptr<const model::ModelFiles> files, Tokenizer tokenizer,
                std::unique_ptr<Backend> backend)
        : files_(std::move(files)), tokenizer_(std::move(tokenizer)), backend_(std::move(backend)) {
    }

    std::string_view backend_name() const override { return backend_->name(); }
    std::string device_name() const override { return backend_->device_name(); }
    const Tokenizer& tokenizer() const override { return tokenizer_; }
    std::uint32_t vocab_size() const override { return files_->config.vocab_size; }
    std::uint32_t context_length() const override { return files_->config.context_length; }
    Result<std::unique_ptr<Sequence>> new_sequence(std::uint32_t max_tokens) override {
        return backend_->create_context(max_tokens);
    }
    std::uint64_t bytes_read_per_token(std::uint32_t context) const override {
        return model::bytes_read_per_token(*files_, context);
    }

  private:
    std::shared_ptr<const model::ModelFiles> files_;
    Tokenizer tokenizer_;
    std::unique_ptr<Backend> backend_;
};

// Vulkan when asked for, or automatically when the machine has a GPU (not a CPU driver such as
// lavapipe); the CPU otherwise.
Result<std::unique_ptr<Backend>> create_backend(std::shared_ptr<const model::ModelFiles> files,
                                                const ModelOptions& options) {
    const bool vulkan = options.backend == BackendChoice::vulkan ||
                        (options.backend == BackendChoice::automatic && vk::has_vulkan_gpu());
    if (vulkan) return vk::create_vulkan_backend(std::move(files));
    return cpu::create_cpu_backend(std::move(files), {.threads = options.threads});
}

} // namespace

Result<BackendChoice> parse_backend_choice(std::string_view name) {
    if (name == "auto") return BackendChoice::automatic;
    if (name == "cpu") return BackendChoice::cpu;
    if (name == "vulkan") return BackendChoice::vulkan;
    if (name == "cuda") return BackendChoice::cuda;
    return fail("Unknown backend '" + std::string(name) + "' (use auto, cpu, vulkan or cuda)");
}

Result<std::shared_ptr<Model>> Model::load(const std::filesystem::path& path,
                                           const ModelOptions& options) {
    if (options.backend == BackendChoice::cuda) {
        return fail("The CUDA backend cannot run models yet; use --backend vulkan or cpu");
    }
    auto files = model::open_model_files(path);
    if (!files) return std::unexpected(files.error());
    auto tokenizer = model::tokenizer_of(*files);
    if (!tokenizer) return std::unexpected(tokenizer.error());
    auto shared = std::make_shared<const model::ModelFiles>(std::move(*files));
    auto backend = create_backend(shared, options);
    if (!backend) return std::unexpected(backend.error());
    return std::make_shared<LoadedModel>(std::move(shared), std::move(*tokenizer),
                                         std::move(*backend));
}

} // namespace hearth
