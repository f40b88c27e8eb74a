#include "model_config.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/gguf_file.h"

namespace hearth::model {
namespace {

using nlohmann::json;

// Each reader fills the config through this, so range checks live in one place.
template <typename Getter>
Result<void> read_u32(std::uint32_t& out, std::string_view key, Getter&& get) {
    auto value = get(key);
    if (!value) return std::unexpected(value.error());
    if (*value > 0xFFFFFFFFull) return fail(std::string(key) + " is out of range");
    out = static_cast<std::uint32_t>(*value);
    return {};
}

Result<void> require(bool ok, const std::string& source, const std::string& problem) {
    if (!ok) return fail(source + ": " + problem);
    return {};
}

// Hugging Face's rope_scaling: only YaRN is computed, so another kind is refused rather than run
// as YaRN. Only an explicit `truncate: true` rounds the correction range: gpt-oss's reference never
// rounds, and early copies of its config.json lack the key (Hugging Face's generic default, true,
// was the bug vLLM and SGLang fixed for it).
Result<void> read_rope_scaling(const json& scaling, const std::string& source, ModelConfig& c) {
    if (scaling.empty()) return {};
    for (const char* key : {"rope_type", "type"}) {
        const auto it = scaling.find(key);
        if (it == scaling.end()) continue;
        if (!it->is_string() || it->get<std::string>() != "yarn") {
            return fail(source + ": rope_scaling " + key + " " + it->dump() +
                        " is not supported (gpt-oss uses yarn)");
        }
    }
    const auto truncate = scaling.find("truncate");
    if (truncate != scaling.end() && !truncate->is_boolean()) {
        return fail(source + ": rope_scaling truncate is not true or false");
    }
    c.yarn_truncate = truncate != scaling.end() && truncate->get<bool>();
    return {};
}

// A config's layer_types, where present, must be the pattern every backend computes
// (ModelConfig::is_sliding_layer): a model that differs is refused, not run wrongly.
Result<void> check_layer_types(const json& config, const std::string& source,
                               const ModelConfig& c) {
    const auto it = config.find("layer_types");
    if (it == config.end()) return {};
    bool matches = it->is_array() && it->size() == c.layer_count;
    for (std::uint32_t layer = 0; matches && layer < c.layer_count; ++layer) {
        const json& kind = (*it)[layer];
        matches = kind.is_string() &&
                  kind.get<std::string>() ==
                      (c.is_sliding_layer(layer) ? "sliding_attention" : "full_attention");
    }
    if (matches) return {};
    return fail(source + ": layer_types is not gpt-oss's pattern (sliding attention on even " +
                "layers, full on odd ones), the only one Hearth runs");
}

} // namespace

Result<void> validate(const ModelConfig& c, const std::string& source) {
    // Bounds are generous (no gpt-oss comes near) but stop absurd values before any allocation.
    const std::pair<bool, const char*> checks[] = {
        {c.layer_count >= 1 && c.layer_count <= 512, "layer count is out of range"},
        {c.hidden_size >= 32 && c.hidden_size <= 65536 && c.hidden_size % 32 == 0,
         "hidden size must be a multiple of 32 up to 65536"},
        {c.head_count >= 1 && c.head_count <= 1024, "attention head count is out of range"},
        {c.kv_head_count >= 1 && c.head_count % c.kv_head_count == 0,
         "attention heads are not a multiple of the key/value heads"},
        {c.head_dim >= 2 && c.head_dim <= 1024 && c.head_dim % 2 == 0,
         "head dimension must be even and at most 1024"},
        {c.expert_count >= 1 && c.expert_count <= 4096, "expert count is out of range"},
        {c.experts_per_token >= 1 && c.experts_per_token <= c.expert_count,
         "experts per token must be between 1 and the expert count"},
        {c.expert_hidden_size >= 32 && c.expert_hidden_size <= 65536 &&
             c.expert_hidden_size % 32 == 0,
         "expert size must be a multiple of 32 up to 65536"},
        {c.vocab_size >= 1 && c.vocab_size <= 4'000'000, "vocabulary size is out of range"},
        {c.context_length >= 1, "context length is zero"},
        {c.sliding_window >= 1, "sliding window is zero"},
        {std::isfinite(c.rope_theta) && c.rope_theta > 1, "RoPE base is invalid"},
        {std::isfinite(c.yarn_factor) && c.yarn_factor >= 1, "YaRN factor is invalid"},
        {c.yarn_original_context >= 1, "YaRN original context is zero"},
        {std::isfinite(c.yarn_beta_fast) && std::isfinite(c.yarn_beta_slow) &&
             c.yarn_beta_fast > c.yarn_beta_slow && c.yarn_beta_slow > 0,
         "YaRN betas are invalid"},
        {std::isfinite(c.rms_norm_eps) && c.rms_norm_eps > 0 && c.rms_norm_eps < 1,
         "RMSNorm epsilon is invalid"},
        {std::isfinite(c.swiglu_limit) && c.swiglu_limit > 0, "SwiGLU limit is invalid"},
    };
    for (const auto& [ok, problem] : checks) {
        if (auto r = require(ok, source, problem); !r) return r;
    }
    return {};
}

Result<ModelConfig> config_from_gguf(const format::GgufFile& file) {
    auto architecture = file.get_string("general.architecture");
    if (!architecture) return std::unexpected(architecture.error());
    if (*architecture != "gpt-oss") {
        return fail(file.name() + ": unsupported architecture '" + std::string(*architecture) +
                    "' (Hearth runs gpt-oss models)");
    }
    auto get = [&](std::string_view key) { return file.get_uint("gpt-oss." + std::string(key)); };
    ModelConfig c;
    const std::pair<std::uint32_t*, const char*> integers[] = {
        {&c.layer_count, "block_count"},
        {&c.hidden_size, "embedding_length"},
        {&c.head_count, "attention.head_count"},
        {&c.kv_head_count, "attention.head_count_kv"},
        {&c.head_dim, "attention.key_length"},
        {&c.expert_count, "expert_count"},
        {&c.experts_per_token, "expert_used_count"},
        {&c.expert_hidden_size, "expert_feed_forward_length"},
        {&c.context_length, "context_length"},
        {&c.sliding_window, "attention.sliding_window"},
        {&c.yarn_original_context, "rope.scaling.original_context_length"},
    };
    for (const auto& [field, key] : integers) {
        if (auto r = read_u32(*field, key, get); !r) return std::unexpected(r.error());
    }
    auto get_float = [&](const char* key) { return file.get_float("gpt-oss." + std::string(key)); };
    const std::pair<float*, const char*> floats[] = {
        {&c.rope_theta, "rope.freq_base"},
        {&c.yarn_factor, "rope.scaling.factor"},
        {&c.rms_norm_eps, "attention.layer_norm_rms_epsilon"},
    };
    for (const auto& [field, key] : floats) {
        auto value = get_float(key);
        if (!value) return std::unexpected(value.error());
        *field = static_cast<float>(*value);
    }
    // Only YaRN is computed: a file that names another scaling is refused, not run as YaRN.
    if (file.find("gpt-oss.rope.scaling.type")) {
        auto kind = file.get_string("gpt-oss.rope.scaling.type");
        if (!kind) return std::unexpected(kind.error());
        if (*kind != "yarn") {
            return fail(file.name() + ": RoPE scaling '" + std::string(*kind) +
                        "' is not supported (gpt-oss uses yarn)");
        }
    }
    if (file.find("gpt-oss.swiglu_limit")) {
        auto limit = get_float("swiglu_limit");
        if (!limit) return std::unexpected(limit.error());
        c.swiglu_limit = static_cast<float>(*limit);
    }
    // The vocabulary size is the embedding's row count; the token list may be absent or shorter.
    const auto* embedding = file.find_tensor("token_embd.weight");
    if (!embedding) return fail(file.name() + ": tensor token_embd.weight is missing");
    if (embedding->shape.size() == 2 && embedding->shape[1] <= 0xFFFFFFFFull) {
        c.vocab_size = static_cast<std::uint32_t>(embedding->shape[1]);
    }
    if (auto r = validate(c, file.name()); !r) return std::unexpected(r.error());
    return c;
}

Result<ModelConfig> config_from_hf_json(const std::filesystem::path& path) {
    const std::string source = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("Cannot open " + source);
    const json config = json::parse(in, nullptr, false);
    if (config.is_discarded() || !config.is_object()) return fail(source + ": not valid JSON");
    const std::string model_type = config.value("model_type", "");
    if (model_type != "gpt_oss") {
        return fail(source + ": unsupported model type '" + model_type +
                    "' (Hearth runs gpt-oss models)");
    }
    auto get = [&](std::string_view key) -> Result<std::uint64_t> {
        const auto it = config.find(key);
        if (it == config.end()) return fail(source + ": " + std::string(key) + " is missing");
        if (!it->is_number_unsigned()) {
            return fail(source + ": " + std::string(key) + " is not a non-negative integer");
        }
        return it->get<std::uint64_t>();
    };
    ModelConfig c;
    const std::pair<std::uint32_t*, const char*> integers[] = {
        {&c.layer_count, "num_hidden_layers"},
        {&c.hidden_size, "hidden_size"},
        {&c.head_count, "num_attention_heads"},
        {&c.kv_head_count, "num_key_value_heads"},
        {&c.head_dim, "head_dim"},
        {&c.expert_count, "num_local_experts"},
        {&c.experts_per_token, "num_experts_per_tok"},
        {&c.expert_hidden_size, "intermediate_size"},
        {&c.vocab_size, "vocab_size"},
        {&c.context_length, "max_position_embeddings"},
        {&c.sliding_window, "sliding_window"},
    };
    for (const auto& [field, key] : integers) {
        if (auto r = read_u32(*field, key, get); !r) return std::unexpected(r.error());
    }
    auto number = [&](const json& object, const char* key, float fallback) -> Result<float> {
        const auto it = object.find(key);
        if (it == object.end()) return fallback;
        if (!it->is_number()) return fail(source + ": " + key + " is not a number");
        return it->get<float>();
    };
    const json no_scaling = json::object();
    const auto scaling_it = config.find("rope_scaling");
    const json& scaling =
        scaling_it != config.end() && scaling_it->is_object() ? *scaling_it : no_scaling;
    const Result<float> values[] = {
        number(config, "rope_theta", 0),   number(config, "rms_norm_eps", 1e-5f),
        number(config, "swiglu_limit", 7), number(scaling, "factor", 1),
        number(scaling, "beta_fast", 32),  number(scaling, "beta_slow", 1),
    };
    for (const auto& v : values) {
        if (!v) return std::unexpected(v.error());
    }
    c.rope_theta = *values[0];
    c.rms_norm_eps = *values[1];
    c.swiglu_limit = *values[2];
    c.yarn_factor = *values[3];
    c.yarn_beta_fast = *values[4];
    c.yarn_beta_slow = *values[5];
    if (auto r = read_rope_scaling(scaling, source, c); !r) return std::unexpected(r.error());
    if (auto r = check_layer_types(config, source, c); !r) return std::unexpected(r.error());
    c.yarn_original_context = c.context_length; // no YaRN: the whole context is "original"
    if (const auto it = scaling.find("original_max_position_embeddings"); it != scaling.end()) {
        if (!it->is_number_unsigned() || it->get<std::uint64_t>() > 0xFFFFFFFFull) {
            return fail(source + ": original_max_position_embeddings is not a valid integer");
        }
        c.yarn_original_context = it->get<std::uint32_t>();
    }
    if (auto r = validate(c, source); !r) return std::unexpected(r.error());
    return c;
}

} // namespace hearth::model
