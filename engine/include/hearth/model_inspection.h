// What a model file is, without loading its weights: for `hearth-cli inspect`, the model library
// and the fit check. Only headers are read; the weights stay untouched in the mapping.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hearth/error.h"

namespace hearth {

struct TensorTypeTotal {
    std::string type; // "MXFP4", "Q8_0", "BF16", ...
    std::uint64_t tensor_count = 0;
    std::uint64_t bytes = 0;
};

struct TokenizerSummary {
    std::string source; // "GGUF metadata", "tokenizer.json" or "none"
    std::string model;  // e.g. "gpt2" (byte-level BPE) when the file says
    std::uint64_t token_count = 0;
    std::uint64_t merge_count = 0;
    std::uint64_t special_token_count = 0;
    std::optional<std::uint32_t> bos_id, eos_id, padding_id;
    bool has_chat_template = false;
};

struct KvCacheEstimate {
    std::uint32_t context = 0;
    std::uint64_t bytes = 0; // K and V in 16-bit floats, sliding layers keeping only their window
};

struct ModelInspection {
    std::filesystem::path path;
    std::string format;                                          // "GGUF v3" or "safetensors"
    std::string architecture;                                    // "gpt-oss"
    std::string name;                                            // general.name when present
    std::vector<std::pair<std::string, double>> hyperparameters; // in display order
    std::uint64_t parameter_count = 0;
    std::uint64_t tensor_count = 0;
    std::uint64_t weight_bytes = 0; // all tensor data
    std::uint64_t file_bytes = 0;   // on disk, all files
    std::vector<TensorTypeTotal> by_type;
    // The stored types by role, each once in name order: the expert matrices (most of the bytes)
    // and every other weight. ggml-org's gpt-oss-20b-mxfp4.gguf: {"MXFP4"} and {"F32", "Q8_0"};
    // the Hugging Face checkpoint: {"MXFP4"} and {"BF16"} (by_type sees its MXFP4 as U8 bytes).
    std::vector<std::string> expert_types;
    std::vector<std::string> other_types;
    // As the files state it: GGUF general.license, or the `license:` of a Hugging Face folder's
    // README.md front matter ("apache-2.0"); empty when neither does.
    std::string license;
    TokenizerSummary tokenizer;
    std::vector<KvCacheEstimate> kv_cache; // at 4k, 32k and 128k, up to the model's context

    // The hyperparameter named `key` ("context_length", "sliding_window", ...); none if unlisted.
    std::optional<double> hyperparameter(std::string_view key) const;
};

// Opens and validates `path` (a .gguf file or a Hugging Face folder) and describes it. Any problem
// with the files is one clear error naming the file.
Result<ModelInspection> inspect_model(const std::filesystem::path& path);

} // namespace hearth
