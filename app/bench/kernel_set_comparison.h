// Decode speeds of the CPU backend's kernel sets, measured in turns on one sequence: the sets take
// turns every few tokens, so a shared machine's noise falls on all of them alike (separate runs on
// a busy virtual machine can differ by far more than the sets do).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "hearth/model.h"

namespace hearth::bench {

struct KernelSetSpeed {
    std::string name;
    double median_tokens_per_second = 0;
    unsigned turns_fastest = 0; // turns in which this set was the fastest of all
};

// `rounds` turns of `tokens_per_turn` tokens per set, on a model loaded on the CPU backend; the
// set in use before is restored after.
Result<std::vector<KernelSetSpeed>> compare_cpu_kernel_sets(Model& model,
                                                            std::span<const std::string> sets,
                                                            unsigned rounds,
                                                            unsigned tokens_per_turn);

} // namespace hearth::bench
