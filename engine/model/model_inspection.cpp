#include "hearth/model_inspection.h"

#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "fit_check.h"
#include "model_files.h"
#include "tokenizer_summary.h"

namespace hearth {
namespace {

using model::ModelConfig;

std::uint64_t parameter_count(const ModelConfig& c) {
    const std::uint64_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size(), E = c.expert_count,
                        I = c.expert_hidden_size;
    const std::uint64_t attention = H * Q + Q + 2 * (H * KV + KV) + Q * H + H + c.head_count;
    const std::uint64_t router = H * E + E;
    const std::uint64_t experts = E * (2 * I * H + 2 * I + I * H + H);
    const std::uint64_t per_layer = 2 * H + attention + router + experts;
    return 2 * std::uint64_t{c.vocab_size} * H + c.layer_count * per_layer + H;
}

std::vector<std::pair<std::string, double>> hyperparameters(const ModelConfig& c) {
    return {
        {"layers", c.layer_count},
        {"hidden_size", c.hidden_size},
        {"attention_heads", c.head_count},
        {"kv_heads", c.kv_head_count},
        {"head_dim", c.head_dim},
        {"experts", c.expert_count},
        {"experts_per_token", c.experts_per_token},
        {"expert_hidden_size", c.expert_hidden_size},
        {"vocab_size", c.vocab_size},
        {"context_length", c.context_length},
        {"sliding_window", c.sliding_window},
        {"rope_theta", c.rope_theta},
        {"yarn_factor", c.yarn_factor},
        {"yarn_original_context", c.yarn_original_context},
        {"yarn_beta_fast", c.yarn_beta_fast},
        {"yarn_beta_slow", c.yarn_beta_slow},
        {"yarn_truncate", c.yarn_truncate ? 1 : 0},
        {"rms_norm_eps", c.rms_norm_eps},
        {"swiglu_limit", c.swiglu_limit},
    };
}

void add_tensor(std::map<std::string, TensorTypeTotal>& totals, std::string type,
                std::uint64_t bytes) {
    auto& total = totals[type];
    total.type = std::move(type);
    ++total.tensor_count;
    total.bytes += bytes;
}

std::uint64_t size_on_disk(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) return std::filesystem::file_size(path, ec);
    std::uint64_t total = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec)) total += entry.file_size(ec);
    }
    return total;
}

// The type names of the expert matrices and of every other weight.
std::pair<std::vector<std::string>, std::vector<std::string>>
types_by_role(const model::ModelWeights& w) {
    std::set<std::string> experts, others;
    const auto other = [&](const model::WeightRef& weight) {
        if (!weight.data.empty()) others.emplace(format::to_string(weight.type));
    };
    other(w.embedding);
    other(w.final_norm);
    other(w.unembedding);
    for (const auto& layer : w.layers) {
        other(layer.attn_norm);
        other(layer.sinks);
        other(layer.mlp_norm);
        for (const auto* p : {&layer.q, &layer.k, &layer.v, &layer.out, &layer.router}) {
            other(p->matrix);
            other(p->bias);
        }
        for (const auto* p : {&layer.experts.gate, &layer.experts.up, &layer.experts.down}) {
            experts.emplace(format::to_string(p->matrix.type));
            other(p->bias);
        }
    }
    return {{experts.begin(), experts.end()}, {others.begin(), others.end()}};
}

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// `license:` in README.md's YAML front matter, where the Hugging Face Hub reads it from.
std::string readme_license(const std::filesystem::path& folder) {
    std::ifstream readme(folder / "README.md");
    std::string line;
    if (!std::getline(readme, line) || trimmed(line) != "---") return {};
    while (std::getline(readme, line) && trimmed(line) != "---") {
        if (!line.starts_with("license:")) continue;
        std::string_view value = trimmed(std::string_view(line).substr(8));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        return std::string(value);
    }
    return {};
}

} // namespace

std::optional<double> ModelInspection::hyperparameter(std::string_view key) const {
    for (const auto& [parameter, value] : hyperparameters) {
        if (parameter == key) return value;
    }
    return std::nullopt;
}

Result<ModelInspection> inspect_model(const std::filesystem::path& path) {
    auto files = model::open_model_files(path);
    if (!files) return std::unexpected(files.error());
    const ModelConfig& c = files->config;

    ModelInspection info;
    info.path = path;
    info.architecture = "gpt-oss";
    info.hyperparameters = hyperparameters(c);
    info.parameter_count = parameter_count(c);
    info.file_bytes = size_on_disk(path);
    std::map<std::string, TensorTypeTotal> totals;
    if (files->gguf) {
        const auto& gguf = *files->gguf;
        info.format = "GGUF v" + std::to_string(gguf.version());
        if (auto name = gguf.get_string("general.name")) info.name = *name;
        if (auto license = gguf.get_string("general.license")) info.license = *license;
        for (const auto& t : gguf.tensors())
            add_tensor(totals, std::string(format::to_string(t.type)), t.data.size());
        info.tensor_count = gguf.tensors().size();
        info.tokenizer = model::summarize_gguf_tokenizer(gguf);
    } else {
        info.format = "safetensors";
        info.name = path.filename().string();
        info.license = readme_license(path);
        for (const auto& shard : files->safetensors->shards()) {
            for (const auto& t : shard.tensors())
                add_tensor(totals, std::string(format::to_string(t.type)), t.data.size());
        }
        info.tensor_count = files->safetensors->tensor_count();
        auto tokenizer = model::summarize_tokenizer_json(path / "tokenizer.json");
        if (!tokenizer) return std::unexpected(tokenizer.error());
        info.tokenizer = *tokenizer;
    }
    std::tie(info.expert_types, info.other_types) = types_by_role(files->weights);
    for (auto& [type, total] : totals) {
        info.weight_bytes += total.bytes;
        info.by_type.push_back(std::move(total));
    }
    // An f16 cache, sliding layers at their window.
    FitOptions f16;
    f16.kv_element_bytes = 2;
    for (std::uint32_t context : {4096u, 32768u, 131072u}) {
        if (context <= c.context_length)
            info.kv_cache.push_back({context, model::kv_cache_bytes(c, context, f16)});
    }
    return info;
}

} // namespace hearth
