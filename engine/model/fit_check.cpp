#include "fit_check.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "model_files.h"

namespace hearth {
namespace model {
namespace {

// Power-of-two contexts from min_context up to the model's context (which ends the list even
// when it is not a power of two).
std::vector<std::uint32_t> context_steps(std::uint32_t model_context, std::uint32_t min_context) {
    std::vector<std::uint32_t> steps;
    std::uint64_t step = 1;
    while (step < min_context)
        step *= 2;
    for (; step < model_context; step *= 2)
        steps.push_back(static_cast<std::uint32_t>(step));
    steps.push_back(model_context);
    return steps;
}

MemoryNeed need_at(const ModelConfig& c, std::uint64_t weight_bytes, std::uint32_t context,
                   const FitOptions& options) {
    return {.weights = weight_bytes,
            .kv_cache = kv_cache_bytes(c, context, options),
            .scratch = scratch_bytes(c, options),
            .runtime = options.runtime_bytes,
            .headroom = options.headroom_bytes};
}

std::string tokens(std::uint32_t context) { return std::to_string(context) + "-token context"; }

std::string whole_gib_above(std::uint64_t bytes) {
    return std::to_string((bytes + gibibyte - 1) / gibibyte) + " GiB";
}

std::string advise(const FitReport& r, const ModelConfig& c, std::uint64_t weight_bytes,
                   const FitOptions& options) {
    const std::string have = format_memory(r.device_memory);
    const std::uint64_t total = r.need.total();
    if (r.fits) {
        std::string text = "Fits with a " + tokens(r.context) + ": needs " + format_memory(total) +
                           " of " + have + ".";
        if (r.context < r.model_context) {
            const auto full = need_at(c, weight_bytes, r.model_context, options).total();
            text += " The full " + std::to_string(r.model_context) + " tokens would need " +
                    format_memory(full) + " (" + format_memory(full - r.device_memory) + " more).";
        }
        return text;
    }
    const std::uint64_t short_by = total - r.device_memory;
    if (r.largest_fitting_context > 0) {
        return "A " + tokens(r.context) + " needs " + format_memory(total) + ", " +
               format_memory(short_by) + " more than the " + have + " here: lower the context to " +
               std::to_string(r.largest_fitting_context) + " tokens.";
    }
    std::string text = "Does not fit: even a " + tokens(r.context) + " needs " +
                       format_memory(total) + " (" + format_memory(r.need.weights) +
                       " of weights, " + format_memory(r.need.headroom) +
                       " kept free for the system) but this device has " + have + ", " +
                       format_memory(short_by) + " short.";
    if (r.need.weights > r.device_memory) {
        text += " The weights alone are larger than the whole memory.";
    } else if (total - r.need.headroom <= r.device_memory) {
        text += " Loading it anyway would leave only " +
                format_memory(r.device_memory - (total - r.need.headroom)) +
                " for the system and other programs.";
    }
    text += " Use a computer or GPU with at least " + whole_gib_above(total) + " of memory.";
    return text;
}

} // namespace

std::uint64_t kv_cache_bytes(const ModelConfig& c, std::uint32_t context,
                             const FitOptions& options) {
    std::uint64_t positions = 0;
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        positions += c.is_sliding_layer(layer)
                         ? std::min(context, c.sliding_window + options.sliding_extra_positions)
                         : context;
    }
    return positions * kv_position_bytes(c, options);
}

std::uint64_t kv_position_bytes(const ModelConfig& c, const FitOptions& options) {
    const std::uint64_t row =
        std::uint64_t{c.head_dim} * options.kv_element_bytes + options.kv_row_extra_bytes;
    return 2 /* K and V */ * c.kv_head_count * row;
}

} // namespace model

std::uint64_t kv_cache_bytes(const KvCacheShape& shape, std::uint32_t context,
                             const FitOptions& options) {
    model::ModelConfig config;
    config.layer_count = shape.layers;
    config.kv_head_count = shape.kv_heads;
    config.head_dim = shape.head_dim;
    config.sliding_window = shape.sliding_window;
    return model::kv_cache_bytes(config, context, options);
}

namespace model {

std::uint64_t scratch_bytes(const ModelConfig& c, const FitOptions& options) {
    const std::uint64_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size(), E = c.expert_count,
                        I = c.expert_hidden_size;
    // Per token of a chunk: residual, normed input, q, k, v, attention output, router logits,
    // and one expert's gathered input, gate, up and down outputs.
    const std::uint64_t per_token = 4 * H + 2 * Q + 2 * KV + E + 2 * I;
    const std::uint64_t logits = c.vocab_size + H;
    // Two norms, sinks, q/k/v/out/router biases and every expert's biases, per layer.
    const std::uint64_t small_per_layer =
        2 * H + c.head_count + Q + 2 * KV + H + E + E * (2 * I + H);
    const std::uint64_t small = c.layer_count * small_per_layer + H;
    return (options.chunk_tokens * per_token + logits + small) * sizeof(float);
}

FitReport check_fit(const ModelConfig& c, std::uint64_t weight_bytes, std::uint64_t device_memory,
                    const FitOptions& options, std::optional<std::uint32_t> context) {
    FitReport r;
    r.device_memory = device_memory;
    r.model_context = c.context_length;
    // Beyond the sliding windows only the full layers grow.
    std::uint64_t full_layers = 0;
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer)
        full_layers += c.is_sliding_layer(layer) ? 0 : 1;
    r.kv_bytes_per_token = full_layers * kv_position_bytes(c, options);
    const auto steps = context_steps(c.context_length, options.min_context);
    for (std::uint32_t step : steps) {
        if (need_at(c, weight_bytes, step, options).total() <= device_memory)
            r.largest_fitting_context = step;
    }
    if (context) {
        r.context = std::clamp<std::uint32_t>(*context, 1, c.context_length);
    } else {
        r.context = r.largest_fitting_context > 0 ? r.largest_fitting_context : steps.front();
    }
    r.need = need_at(c, weight_bytes, r.context, options);
    r.fits = r.need.total() <= device_memory;
    r.advice = advise(r, c, weight_bytes, options);
    return r;
}

} // namespace model

FitOptions cpu_fit_options() {
    FitOptions options;
    options.kv_element_bytes = sizeof(float);
    options.sliding_extra_positions = cpu::max_prefill_chunk + sliding_rewind_slack;
    options.chunk_tokens = cpu::max_prefill_chunk;
    return options;
}

FitOptions gpu_fit_options(KvCachePrecision kv_cache) {
    FitOptions options;
    switch (kv_cache) {
    case KvCachePrecision::f32: options.kv_element_bytes = 4; break;
    case KvCachePrecision::f16: options.kv_element_bytes = 2; break;
    case KvCachePrecision::q8:
        options.kv_element_bytes = 1;
        options.kv_row_extra_bytes = sizeof(float);
        break;
    }
    options.sliding_extra_positions = sliding_rewind_slack;
    options.headroom_bytes = 512 * mebibyte;
    return options;
}

Result<FitReport> check_model_fit(const std::filesystem::path& path, std::uint64_t device_memory,
                                  const FitOptions& options, std::optional<std::uint32_t> context) {
    auto files = model::open_model_files(path);
    if (!files) return std::unexpected(files.error());
    std::uint64_t weight_bytes = 0;
    if (files->gguf) {
        for (const auto& t : files->gguf->tensors())
            weight_bytes += t.data.size();
    } else {
        for (const auto& shard : files->safetensors->shards()) {
            for (const auto& t : shard.tensors())
                weight_bytes += t.data.size();
        }
    }
    return model::check_fit(files->config, weight_bytes, device_memory, options, context);
}

FitReport check_gpt_oss_20b_fit(std::uint64_t device_memory, const FitOptions& options) {
    // shared/docs/gpt-oss-model.md sections 1 and 5.2.
    model::ModelConfig c;
    c.layer_count = 24;
    c.hidden_size = 2880;
    c.head_count = 64;
    c.kv_head_count = 8;
    c.head_dim = 64;
    c.expert_count = 32;
    c.experts_per_token = 4;
    c.expert_hidden_size = 2880;
    c.vocab_size = 201088;
    c.context_length = 131072;
    c.sliding_window = 128;
    constexpr std::uint64_t weight_bytes = 12'096'558'336;
    return model::check_fit(c, weight_bytes, device_memory, options);
}

std::uint64_t system_memory_bytes() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return 0;
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

std::uint64_t available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit) {
        if (key == "MemAvailable:") return kib * 1024;
    }
    return 0;
}

std::string format_memory(std::uint64_t bytes) {
    char text[32];
    if (bytes >= gibibyte) {
        std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / gibibyte);
    } else if (bytes >= mebibyte) {
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / mebibyte);
    } else if (bytes >= 1024) {
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
    } else {
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    }
    return text;
}

} // namespace hearth
