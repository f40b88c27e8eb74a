// Counting a model's tokenizer without building it: for inspection.
#pragma once

#include <filesystem>

#include "format/gguf_file.h"
#include "hearth/model_inspection.h"

namespace hearth::model {

TokenizerSummary summarize_gguf_tokenizer(const format::GgufFile& file);
// A missing tokenizer.json is summarised as source "none"; a malformed one is an error.
Result<TokenizerSummary> summarize_tokenizer_json(const std::filesystem::path& path);

} // namespace hearth::model
