// Random weights in every stored layout, for kernel tests: bytes chosen so values stay finite.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "model/weights.h"

namespace hearth::test {

enum class StoredLayout { f32, f16, bf16, q8_0, mxfp4_gguf, mxfp4_checkpoint };

struct RandomWeight {
    model::WeightRef weight; // views into data and scales
    std::vector<std::byte> data, scales;

    RandomWeight() = default;
    RandomWeight(const RandomWeight&) = delete; // the views would dangle
    RandomWeight& operator=(const RandomWeight&) = delete;
};

// A stack of `stack` matrices of rows x cols (cols a multiple of 32 for the block layouts).
void fill_random_weight(RandomWeight& out, StoredLayout layout, std::uint64_t stack,
                        std::uint64_t rows, std::uint64_t cols, std::mt19937& rng);

} // namespace hearth::test
