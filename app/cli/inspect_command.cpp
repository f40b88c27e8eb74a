#include "inspect_command.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "hearth/model_inspection.h"

namespace hearth::cli {
namespace {

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.2f %s", value, units[unit]);
    return text;
}

std::string optional_id(const std::optional<std::uint32_t>& id) {
    return id ? std::to_string(*id) : "-";
}

void print_text(const ModelInspection& m) {
    std::printf("%s\n", m.path.string().c_str());
    std::printf("  format:        %s\n", m.format.c_str());
    std::printf("  architecture:  %s%s%s\n", m.architecture.c_str(),
                m.name.empty() ? "" : "  name: ", m.name.c_str());
    std::printf("  parameters:    %llu (%.2f B)\n",
                static_cast<unsigned long long>(m.parameter_count),
                static_cast<double>(m.parameter_count) / 1e9);
    std::printf("hyperparameters:\n");
    for (const auto& [key, value] : m.hyperparameters)
        std::printf("  %-22s %g\n", key.c_str(), value);
    std::printf("tensors: %llu, %s of weights (%s on disk)\n",
                static_cast<unsigned long long>(m.tensor_count),
                human_bytes(m.weight_bytes).c_str(), human_bytes(m.file_bytes).c_str());
    for (const auto& t : m.by_type) {
        std::printf("  %-6s %5llu tensors  %s\n", t.type.c_str(),
                    static_cast<unsigned long long>(t.tensor_count), human_bytes(t.bytes).c_str());
    }
    const auto& tk = m.tokenizer;
    std::printf("tokenizer: %s", tk.source.c_str());
    if (tk.source != "none") {
        std::printf(" (%s), %llu tokens (%llu special), %llu merges, bos %s, eos %s, pad %s%s",
                    tk.model.c_str(), static_cast<unsigned long long>(tk.token_count),
                    static_cast<unsigned long long>(tk.special_token_count),
                    static_cast<unsigned long long>(tk.merge_count), optional_id(tk.bos_id).c_str(),
                    optional_id(tk.eos_id).c_str(), optional_id(tk.padding_id).c_str(),
                    tk.has_chat_template ? ", chat template" : "");
    }
    std::printf("\nmemory needed (weights + KV cache in 16-bit floats):\n");
    for (const auto& kv : m.kv_cache) {
        std::printf("  %6u tokens: %s (KV cache %s)\n", kv.context,
                    human_bytes(m.weight_bytes + kv.bytes).c_str(), human_bytes(kv.bytes).c_str());
    }
}

void print_json(const ModelInspection& m) {
    using nlohmann::json;
    json hyper = json::object();
    for (const auto& [key, value] : m.hyperparameters)
        hyper[key] = value;
    json types = json::array();
    for (const auto& t : m.by_type) {
        types.push_back({{"type", t.type}, {"tensors", t.tensor_count}, {"bytes", t.bytes}});
    }
    json kv = json::array();
    for (const auto& k : m.kv_cache) {
        kv.push_back({{"context", k.context},
                      {"kv_cache_bytes", k.bytes},
                      {"total_bytes", m.weight_bytes + k.bytes}});
    }
    const auto& tk = m.tokenizer;
    auto id = [](const std::optional<std::uint32_t>& v) { return v ? json(*v) : json(nullptr); };
    const json out = {
        {"path", m.path.string()},
        {"format", m.format},
        {"architecture", m.architecture},
        {"name", m.name},
        {"parameters", m.parameter_count},
        {"hyperparameters", hyper},
        {"tensor_count", m.tensor_count},
        {"weight_bytes", m.weight_bytes},
        {"file_bytes", m.file_bytes},
        {"tensor_types", types},
        {"tokenizer",
         {{"source", tk.source},
          {"model", tk.model},
          {"tokens", tk.token_count},
          {"special_tokens", tk.special_token_count},
          {"merges", tk.merge_count},
          {"bos_id", id(tk.bos_id)},
          {"eos_id", id(tk.eos_id)},
          {"padding_id", id(tk.padding_id)},
          {"chat_template", tk.has_chat_template}}},
        {"memory", kv},
    };
    std::printf("%s\n", out.dump(2).c_str());
}

} // namespace

int run_inspect_command(std::span<const std::string_view> args) {
    std::string_view path;
    bool json = false;
    for (std::string_view arg : args) {
        if (arg == "--json") {
            json = true;
        } else if (path.empty() && !arg.starts_with("--")) {
            path = arg;
        } else {
            std::fprintf(stderr, "hearth-cli inspect: unexpected argument '%.*s'\n",
                         static_cast<int>(arg.size()), arg.data());
            return 2;
        }
    }
    if (path.empty()) {
        std::fputs("usage: hearth-cli inspect MODEL [--json]   (MODEL: a .gguf file or a Hugging "
                   "Face folder)\n",
                   stderr);
        return 2;
    }
    auto inspection = inspect_model(std::filesystem::path(path));
    if (!inspection) {
        std::fprintf(stderr, "hearth-cli: %s\n", inspection.error().message.c_str());
        return 1;
    }
    json ? print_json(*inspection) : print_text(*inspection);
    return 0;
}

} // namespace hearth::cli
