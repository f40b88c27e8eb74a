// The tokenizer a GGUF file carries (tokenizer.ggml.* metadata), and a model's tokenizer in
// either file form.
#pragma once

#include "format/gguf_file.h"
#include "hearth/tokenizer.h"
#include "model_files.h"

namespace hearth::model {

// Refuses tokenizers other than gpt-oss's byte-level BPE with the o200k pre-tokenizer by name.
Result<Tokenizer> tokenizer_from_gguf(const format::GgufFile& file);

// GGUF metadata, or the tokenizer.json beside a Hugging Face checkpoint.
Result<Tokenizer> tokenizer_of(const ModelFiles& files);

} // namespace hearth::model
