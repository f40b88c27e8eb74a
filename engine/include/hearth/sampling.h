// Picks the next token from logits: greedy, or temperature sampling filtered by top-k, top-p and
// min-p. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace hearth {

struct SamplingSettings {
    float temperature = 1.0f; // 0: greedy (the spec's default is 1.0)
    float top_p = 1.0f;       // keep the smallest set of tokens whose probability reaches top_p
    std::uint32_t top_k = 0;  // 0: no limit
    float min_p = 0.0f;       // drop tokens less likely than min_p times the most likely one
    std::uint64_t seed = 0;
};

// Why no token could be drawn: every logit was NaN or -infinity, or its id excluded. Real
// models never do this; a damaged file can.
inline constexpr const char* nothing_to_draw_message =
    "The model gave no token a usable score (every logit is NaN, -infinity or excluded); the "
    "model file may be damaged";

class Sampler {
  public:
    explicit Sampler(const SamplingSettings& settings);

    // `logits` are not modified. Ids the caller must never produce (e.g. unused vocabulary
    // slots) are excluded by passing them as -infinity.
    std::int32_t sample(std::span<const float> logits);

  private:
    std::int32_t draw_in_id_order();

    SamplingSettings settings_;
    std::mt19937_64 rng_;
    std::vector<std::pair<float, std::int32_t>> candidates_; // (logit, then weight; id)
    std::vector<float> weights_; // per token, relative to the most likely one's
};

} // namespace hearth
