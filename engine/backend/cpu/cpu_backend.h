// The CPU backend: the reference forward pass every other backend is compared with, and the
// fallback where no GPU is usable. fp32 arithmetic over weights read in place from the mapping.
#pragma once

#include <memory>

#include "backend/backend.h"
#include "model/model_files.h"

namespace hearth::cpu {

struct CpuOptions {
    unsigned threads = 0; // 0: one per hardware thread
};

// `files` must outlive the backend (the weights are views into its mappings).
Result<std::unique_ptr<Backend>> create_cpu_backend(std::shared_ptr<const model::ModelFiles> files,
                                                    const CpuOptions& options = {});

} // namespace hearth::cpu
