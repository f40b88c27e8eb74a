// Will a model fit in a device's memory, and with how long a context? Answered from the file's
// headers before anything is loaded: for `hearth-cli fit`, the model library and the first-run
// page.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hearth/error.h"
#include "hearth/model.h"

namespace hearth {

inline constexpr std::uint64_t gibibyte = 1ull << 30;
inline constexpr std::uint64_t mebibyte = 1ull << 20;

// What the backend allocates beside the weights. The presets below describe today's backends.
struct FitOptions {
    // Bytes of one cached key or value element: 4 (fp32, the CPU backend), 2 (fp16), 1 (8-bit).
    std::uint32_t kv_element_bytes = 4;
    // Bytes a cached row (one position of one KV head, keys or values) takes beyond its elements:
    // the scale of an 8-bit cache.
    std::uint32_t kv_row_extra_bytes = 0;
    // Positions a sliding-window layer keeps beyond its window (prefill chunks, rewinds).
    std::uint32_t sliding_extra_positions = 0;
    // Tokens one forward step runs at once: sizes the activation buffers.
    std::uint32_t chunk_tokens = 256;
    // The program itself, the tokenizer's tables, thread stacks, the window.
    std::uint64_t runtime_bytes = 256 * mebibyte;
    // Left free for the operating system, the desktop and other programs.
    std::uint64_t headroom_bytes = 2 * gibibyte;
    // Smallest context worth offering; the chosen context is a power of two from here up.
    std::uint32_t min_context = 1024;
};

// The CPU backend as it is: fp32 cache, sliding caches keep 1280 extra positions, 2 GiB for the
// desktop.
FitOptions cpu_fit_options();
// The GPU backends as they are: an fp16 cache by default (or as `kv_cache` says), sliding caches
// keep 1024 extra positions (rewinds); 512 MiB kept for the display and other programs.
FitOptions gpu_fit_options(KvCachePrecision kv_cache = KvCachePrecision::f16);

// The part of a model's shape its KV cache depends on (hearth-cli inspect's hyperparameters).
struct KvCacheShape {
    std::uint32_t layers = 0;
    std::uint32_t kv_heads = 0;
    std::uint32_t head_dim = 0;
    std::uint32_t sliding_window = 0;
};

// Bytes of keys and values for `context` positions as a backend with `options` keeps them: full
// layers hold every position, sliding layers their window and options.sliding_extra_positions.
std::uint64_t kv_cache_bytes(const KvCacheShape& shape, std::uint32_t context,
                             const FitOptions& options);

struct MemoryNeed {
    std::uint64_t weights = 0;
    std::uint64_t kv_cache = 0;
    std::uint64_t scratch = 0; // activations of one chunk, logits, small tensors decoded to fp32
    std::uint64_t runtime = 0;
    std::uint64_t headroom = 0;
    std::uint64_t total() const { return weights + kv_cache + scratch + runtime + headroom; }
};

struct FitReport {
    std::uint64_t device_memory = 0;
    std::uint32_t model_context = 0; // the longest context the model supports
    // The context checked: the one asked for, or else the largest that fits (the smallest step
    // when none does).
    std::uint32_t context = 0;
    MemoryNeed need; // at `context`
    bool fits = false;
    // Largest power-of-two context from min_context up to model_context that fits; 0 if none.
    std::uint32_t largest_fitting_context = 0;
    std::uint64_t kv_bytes_per_token = 0; // what one more token of context costs
    // One sentence a user can act on: what fits, or what to change when it does not.
    std::string advice;
};

// Opens the headers of `model` (a .gguf file or a Hugging Face folder) and checks it against
// `device_memory` bytes. With `context`, checks that context; without, picks the largest default.
Result<FitReport> check_model_fit(const std::filesystem::path& model, std::uint64_t device_memory,
                                  const FitOptions& options = cpu_fit_options(),
                                  std::optional<std::uint32_t> context = std::nullopt);

// gpt-oss-20b as ggml-org's gpt-oss-20b-mxfp4.gguf (MXFP4 experts, Q8_0 matrices, F32 router and
// vectors: 12,096,558,336 bytes of tensors), for a fit line before the file is downloaded.
FitReport check_gpt_oss_20b_fit(std::uint64_t device_memory,
                                const FitOptions& options = cpu_fit_options());

// Physical memory of this computer (MemTotal) and what is free now (MemAvailable), in bytes;
// 0 when unknown.
std::uint64_t system_memory_bytes();
std::uint64_t available_memory_bytes();

// "11.26 GiB", "53.3 MiB": how the fit check writes sizes.
std::string format_memory(std::uint64_t bytes);

} // namespace hearth
