// The token that follows what a sequence has run: drawn on the device when the sequence can apply
// the sampling settings there (only the id comes back), else from the logits on the host.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

#include "hearth/error.h"
#include "hearth/model.h"
#include "hearth/sampling.h"

namespace hearth {

class TokenPicker {
  public:
    // `never_sample`: one flag per vocabulary id (ids without a token); empty for none. Both
    // `sequence` and `never_sample` must outlive the picker.
    TokenPicker(Sequence& sequence, std::uint32_t vocab_size, const SamplingSettings& settings,
                const std::vector<bool>& never_sample);

    // Runs `tokens` after what the sequence holds and picks the next token.
    Result<std::int32_t> run(std::span<const std::int32_t> tokens);
    bool on_device() const { return on_device_; }

  private:
    Sequence& sequence_;
    SamplingSettings settings_;
    const std::vector<bool>& never_sample_;
    bool on_device_ = false;
    Sampler sampler_;
    std::mt19937_64 draws_;            // the device's random numbers
    std::optional<float> next_random_; // drawn from draws_ for the next call
    std::vector<float> logits_;
};

} // namespace hearth
