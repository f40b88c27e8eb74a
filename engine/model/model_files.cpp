#include "model_files.h"

#include "weight_table.h"

namespace hearth::model {

Result<ModelFiles> open_model_files(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return fail(path.string() + ": no such file or folder");

    ModelFiles files;
    files.path = path;
    if (std::filesystem::is_directory(status)) {
        files.format = FileFormat::safetensors;
        auto config = config_from_hf_json(path / "config.json");
        if (!config) return std::unexpected(config.error());
        auto model = format::SafetensorsModel::open(path);
        if (!model) return std::unexpected(model.error());
        auto weights = weights_from_safetensors(*model, path.string(), *config);
        if (!weights) return std::unexpected(weights.error());
        files.config = *config;
        files.weights = std::move(*weights);
        files.safetensors = std::move(*model);
        return files;
    }
    files.format = FileFormat::gguf;
    auto gguf = format::GgufFile::open(path);
    if (!gguf) return std::unexpected(gguf.error());
    auto config = config_from_gguf(*gguf);
    if (!config) return std::unexpected(config.error());
    auto weights = weights_from_gguf(*gguf, *config);
    if (!weights) return std::unexpected(weights.error());
    files.config = *config;
    files.weights = std::move(*weights);
    files.gguf = std::move(*gguf);
    return files;
}

} // namespace hearth::model
