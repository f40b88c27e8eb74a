// The tokenizer of the model a command names with --model.
#pragma once

#include <string>

#include "hearth/tokenizer.h"

namespace hearth::cli {

// MODEL is a .gguf file, a tokenizer.json file, or a Hugging Face model folder holding one.
Result<Tokenizer> load_model_tokenizer(const std::string& model);

} // namespace hearth::cli
