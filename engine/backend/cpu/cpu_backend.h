// The CPU backend: the reference forward pass every other backend is compared with, and the
// fallback where no GPU is usable. fp32 arithmetic over weights read in place from the mapping.
#pragma once

#include <cstdint>
#include <memory>

#include "backend/backend.h"
#include "backend/cache_window.h"
#include "model/model_files.h"

namespace hearth::cpu {

// Prefill runs in chunks of at most this many tokens; the sliding-window caches keep this many
// positions beyond the window so a whole chunk's keys fit beside the ones it attends to...
inline constexpr std::uint32_t max_prefill_chunk = 256;
// ...and sliding_rewind_slack (backend/cache_window.h) more.

struct CpuOptions {
    unsigned threads = 0; // 0: one per hardware thread
};

// `files` must outlive the backend (the weights are views into its mappings).
Result<std::unique_ptr<Backend>> create_cpu_backend(std::shared_ptr<const model::ModelFiles> files,
                                                    const CpuOptions& options = {});

} // namespace hearth::cpu
