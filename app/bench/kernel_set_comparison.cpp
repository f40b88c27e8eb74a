#include "kernel_set_comparison.h"

#include <algorithm>
#include <chrono>

#include "hearth/cpu_kernels.h"
#include "hearth/token_picker.h"

namespace hearth::bench {
namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Runs every turn of every set; speeds[set][round] in tokens per second.
Result<std::vector<std::vector<double>>> timed_turns(Model& model,
                                                     std::span<const std::string> sets,
                                                     unsigned rounds, unsigned tokens_per_turn) {
    const std::uint32_t positions =
        1 + rounds * tokens_per_turn * static_cast<unsigned>(sets.size());
    auto sequence = model.new_sequence(positions);
    if (!sequence) return std::unexpected(sequence.error());
    const std::vector<bool> no_exclusions;
    TokenPicker picker(**sequence, model.vocab_size(), {.seed = 1}, no_exclusions);
    const std::int32_t first = 1000;
    auto next = picker.run(std::span(&first, 1));
    if (!next) return std::unexpected(next.error());
    std::vector<std::vector<double>> speeds(sets.size());
    for (unsigned round = 0; round < rounds; ++round) {
        for (std::size_t s = 0; s < sets.size(); ++s) {
            if (auto used = use_cpu_kernels(sets[s]); !used) return std::unexpected(used.error());
            const auto start = std::chrono::steady_clock::now();
            for (unsigned i = 0; i < tokens_per_turn; ++i) {
                const std::int32_t token = *next;
                next = picker.run(std::span(&token, 1));
                if (!next) return std::unexpected(next.error());
            }
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            speeds[s].push_back(tokens_per_turn / took.count());
        }
    }
    return speeds;
}

} // namespace

Result<std::vector<KernelSetSpeed>> compare_cpu_kernel_sets(Model& model,
                                                            std::span<const std::string> sets,
                                                            unsigned rounds,
                                                            unsigned tokens_per_turn) {
    if (model.backend_name() != "cpu") {
        return fail("comparing CPU kernel sets needs the CPU backend (--backend cpu)");
    }
    const std::string before(cpu_kernels_in_use());
    auto speeds = timed_turns(model, sets, rounds, tokens_per_turn);
    (void)use_cpu_kernels(before); // it was in use, so this CPU runs it
    if (!speeds) return std::unexpected(speeds.error());
    std::vector<KernelSetSpeed> result;
    for (std::size_t s = 0; s < sets.size(); ++s)
        result.push_back({sets[s], median((*speeds)[s]), 0});
    for (unsigned round = 0; round < rounds; ++round) {
        std::size_t fastest = 0;
        for (std::size_t s = 1; s < sets.size(); ++s) {
            if ((*speeds)[s][round] > (*speeds)[fastest][round]) fastest = s;
        }
        ++result[fastest].turns_fastest;
    }
    return result;
}

} // namespace hearth::bench
