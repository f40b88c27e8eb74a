#include "model_tokenizer.h"

#include <filesystem>

namespace hearth::cli {

Result<Tokenizer> load_model_tokenizer(const std::string& model) {
    const std::filesystem::path path(model);
    if (path.extension() == ".gguf") return fail("GGUF tokenizers are not supported yet.", model);
    if (std::filesystem::is_directory(path)) {
        return Tokenizer::from_hf_json_file(path / "tokenizer.json");
    }
    return Tokenizer::from_hf_json_file(path);
}

} // namespace hearth::cli
