#include "model_tokenizer.h"

#include <filesystem>

#include "format/gguf_file.h"
#include "model/gguf_tokenizer.h"

namespace hearth::cli {

Result<Tokenizer> load_model_tokenizer(const std::string& model) {
    const std::filesystem::path path(model);
    if (path.extension() == ".gguf") {
        // Only the metadata is needed: the tensors are not validated or touched.
        auto file = format::GgufFile::open(path);
        if (!file) return std::unexpected(file.error());
        return model::tokenizer_from_gguf(*file);
    }
    if (std::filesystem::is_directory(path)) {
        return Tokenizer::from_hf_json_file(path / "tokenizer.json");
    }
    return Tokenizer::from_hf_json_file(path);
}

} // namespace hearth::cli
