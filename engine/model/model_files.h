// A gpt-oss model on disk, opened and checked: a GGUF file or a Hugging Face checkpoint folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "format/gguf_file.h"
#include "format/safetensors_file.h"
#include "hearth/error.h"
#include "model_config.h"
#include "weights.h"

namespace hearth::model {

enum class FileFormat { gguf, safetensors };

struct ModelFiles {
    FileFormat format = FileFormat::gguf;
    std::filesystem::path path; // the .gguf file or the checkpoint folder
    ModelConfig config;
    ModelWeights weights; // views into the mapped files below
    std::optional<format::GgufFile> gguf;
    std::optional<format::SafetensorsModel> safetensors;
};

// Opens `path` (a .gguf file, or a folder with config.json and safetensors) and validates the
// header, the hyperparameters and every weight's shape and type before returning.
Result<ModelFiles> open_model_files(const std::filesystem::path& path);

} // namespace hearth::model
