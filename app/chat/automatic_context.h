// The context a model opens with while the user has not chosen one in Settings: the largest the
// fit check (hearth/fit_check.h, as on the first-run page's fit lines) says fits the memory of
// the device the model was loaded on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "hearth/error.h"
#include "hearth/fit_check.h"

namespace hearth::app {

// Longest automatic context: the whole cache is allocated when the model loads (131072 tokens
// of gpt-oss-20b take 6 GiB of f32 on the CPU), and few conversations need more; longer contexts
// are chosen in Settings.
inline constexpr std::uint32_t longest_automatic_context = 32768;

// The memory a loaded model's backend allocates from, and how it allocates.
struct FitDevice {
    std::uint64_t memory_bytes = 0; // 0: unknown
    FitOptions options = cpu_fit_options();
    // memory_bytes was read after this process loaded the weights (a GPU's memory budget), so
    // it no longer includes them.
    bool weights_already_allocated = false;
    std::uint32_t longest = longest_automatic_context;
};

// For a loaded model whose GPU has `device_free` bytes left (hearth::Model::device_memory_free):
// that much beside the weights it holds, with the GPU cache kept at `kv_cache`; this computer's
// RAM when the model runs on the CPU (no figure), whose cache is f32.
FitDevice fit_device(std::optional<std::uint64_t> device_free,
                     KvCachePrecision kv_cache = KvCachePrecision::f16);

// The largest power-of-two context (or the model's own length) that fits `device`, at most
// device.longest; the smallest step when none does, as the model loaded regardless. Reads the
// model's headers only.
Result<std::uint32_t> automatic_context(const std::filesystem::path& model,
                                        const FitDevice& device);

} // namespace hearth::app
