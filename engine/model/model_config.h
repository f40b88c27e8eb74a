// gpt-oss hyperparameters, read from GGUF metadata or a Hugging Face config.json and checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "hearth/error.h"

namespace hearth::format {
class GgufFile;
}

namespace hearth::model {

struct ModelConfig {
    std::uint32_t layer_count = 0;
    std::uint32_t hidden_size = 0;
    std::uint32_t head_count = 0;
    std::uint32_t kv_head_count = 0;
    std::uint32_t head_dim = 0;
    std::uint32_t expert_count = 0;
    std::uint32_t experts_per_token = 0;
    std::uint32_t expert_hidden_size = 0; // intermediate size of one expert
    std::uint32_t vocab_size = 0;
    std::uint32_t context_length = 0;
    std::uint32_t sliding_window = 0; // even layers attend to this many positions (incl. self)
    float rope_theta = 0;
    float yarn_factor = 1;
    std::uint32_t yarn_original_context = 0;
    float yarn_beta_fast = 32;
    float yarn_beta_slow = 1;
    // Round the correction range out to whole pairs (Hugging Face's rope_scaling.truncate, when a
    // config sets it true). gpt-oss never rounds; the GGUF metadata has no such key.
    bool yarn_truncate = false;
    float rms_norm_eps = 1e-5f;
    float swiglu_limit = 7;

    // The gpt-oss pattern, which the GGUF metadata does not record (a Hugging Face config's
    // layer_types is checked against it on load).
    bool is_sliding_layer(std::uint32_t layer) const { return layer % 2 == 0; }
    std::uint32_t q_size() const { return head_count * head_dim; }
    std::uint32_t kv_size() const { return kv_head_count * head_dim; }
};

// Both name the file in their errors. An architecture other than gpt-oss is refused by name.
Result<ModelConfig> config_from_gguf(const format::GgufFile& file);
Result<ModelConfig> config_from_hf_json(const std::filesystem::path& config_json);

// Checks the values are plausible and consistent (also run by the two readers above).
Result<void> validate(const ModelConfig& config, const std::string& source);

} // namespace hearth::model
