// Sampling on a GPU, the host side shared by the Vulkan and CUDA backends: which settings the
// sampling kernels apply, their arguments, the excluded ids as bits, and a step queued ahead.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "hearth/error.h"
#include "hearth/sampling.h"
#include "kernel_args.h"
#include "model/model_config.h"

namespace hearth::gpu {

// A sampling step queued before the caller asked for it (append_and_sample's next_random): it
// runs the token the step before it draws, at the position after it, with `draw`.
struct StepAhead {
    std::uint32_t slot = 0; // which of the sequence's two sampling steps
    kernel_args::SampleDraw draw{};
    std::optional<std::int32_t> token; // known once the step before it has been read
    // Whether a call to run `tokens` drawing with `asked` is what this step already runs.
    bool continues(std::span<const std::int32_t> tokens,
                   const kernel_args::SampleDraw& asked) const {
        return token && tokens.size() == 1 && *token == tokens[0] &&
               std::memcmp(&draw, &asked, sizeof asked) == 0;
    }
};

// What a GPU sequence's one-token step leaves for the host: nothing (a prompt token whose logits
// nobody wants), the logits, or the next token drawn on the device.
enum class StepOutput { none, logits, sampled };

// What the sampling kernels apply: greedy, or a draw at a temperature with top-p and min-p.
// Top-k above 1 is the host sampler's.
bool device_can_sample(const SamplingSettings& settings);

// The step's draw: temperature 0 for the most likely token; `random` kept in [0, 1].
kernel_args::SampleDraw sample_draw(const SamplingSettings& settings, float random);

// sample_partials' workgroups for a vocabulary: up to 256 chunks of at least a workgroup's ids.
kernel_args::SampleArgs sample_args(std::uint32_t vocab);

// A bit per id (set: never drawn), in 32-bit words; ids past `excluded` are allowed.
std::vector<std::uint32_t> exclusion_bits(const std::vector<bool>& excluded, std::uint32_t vocab);

// What sample_pick writes when no id can be drawn (every id excluded): an id past any vocabulary.
inline constexpr std::uint32_t nothing_to_draw = 0xFFFFFFFFu;

// What Sequence::append_and_sample refuses before running anything, in the same words on every
// GPU: what append() refuses, and settings the device does not apply.
Result<void> check_sampled_append(const model::ModelConfig& config,
                                  std::span<const std::int32_t> tokens, std::uint32_t length,
                                  std::uint32_t max_positions, const SamplingSettings& settings);

// The id sample_pick wrote, or the error when nothing could be drawn.
Result<std::int32_t> drawn_token(std::uint32_t picked, std::uint32_t vocab);

} // namespace hearth::gpu
