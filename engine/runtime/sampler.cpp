#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "hearth/sampling.h"

namespace hearth {
namespace {

std::int32_t argmax(std::span<const float> logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// Most likely first; the lower id first on ties.
bool more_likely(const std::pair<float, std::int32_t>& a, const std::pair<float, std::int32_t>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}

} // namespace

// A min-p above 1 would keep nothing: 1 keeps the most likely token (and its ties), as on a GPU.
Sampler::Sampler(const SamplingSettings& settings) : settings_(settings), rng_(settings.seed) {
    settings_.min_p = std::clamp(settings_.min_p, 0.0f, 1.0f);
}

// The kept tokens are always the most likely ones: those at or above min_p (weights are relative
// to the best token, whose weight is exp(0) = 1) until their mass reaches top_p of the total.
// A vocabulary has ~200k tokens and sorting them all took ~17 ms a token, so only the tokens
// that can be kept are sorted, and none at all when top_p keeps every token.
std::int32_t Sampler::sample(std::span<const float> logits) {
    if (settings_.temperature <= 0.0f || settings_.top_k == 1) return argmax(logits);
    const float top = *std::max_element(logits.begin(), logits.end());
    if (!(top > -std::numeric_limits<float>::infinity())) return argmax(logits);
    auto weight_of = [&](float logit) { return std::exp((logit - top) / settings_.temperature); };

    candidates_.clear();
    double total = 0;
    if (settings_.top_k > 0) {
        // Top-k cuts the list before any exp(): the k best, sorted.
        for (std::size_t i = 0; i < logits.size(); ++i) {
            if (logits[i] > -std::numeric_limits<float>::infinity()) {
                candidates_.emplace_back(logits[i], static_cast<std::int32_t>(i));
            }
        }
        const std::size_t keep = std::min<std::size_t>(settings_.top_k, candidates_.size());
        std::partial_sort(candidates_.begin(),
                          candidates_.begin() + static_cast<std::ptrdiff_t>(keep),
                          candidates_.end(), more_likely);
        candidates_.resize(keep);
        for (const auto& [logit, id] : candidates_)
            total += weight_of(logit);
    } else {
        weights_.resize(logits.size());
        for (std::size_t i = 0; i < logits.size(); ++i) {
            weights_[i] = weight_of(logits[i]);
            total += weights_[i];
        }
        if (settings_.top_p >= 1.0f) return draw_in_id_order();
        // The mass per power of two of weight shows how far down the kept tokens can reach;
        // only the tokens above that are sorted.
        std::array<double, 64> mass_by_exponent{};
        auto exponent_of = [](float weight) {
            return std::min(63, std::max(0, -std::ilogb(weight)));
        };
        for (const float weight : weights_) {
            if (weight > 0.0f) {
                mass_by_exponent[static_cast<std::size_t>(exponent_of(weight))] += weight;
            }
        }
        int deepest = 0;
        for (double mass = 0; deepest < 63; ++deepest) {
            mass += mass_by_exponent[static_cast<std::size_t>(deepest)];
            if (mass >= settings_.top_p * total) break;
        }
        for (std::size_t i = 0; i < logits.size(); ++i) {
            if (weights_[i] > 0.0f && exponent_of(weights_[i]) <= deepest) {
                candidates_.emplace_back(logits[i], static_cast<std::int32_t>(i));
            }
        }
        std::sort(candidates_.begin(), candidates_.end(), more_likely);
    }

    // candidates_: sorted, most likely first. min-p, then top-p (every token tied with the last
    // one it keeps kept too, so no id is favoured), then a draw in id order, as the GPUs draw.
    std::size_t count = 0;
    double kept_mass = 0;
    bool reached = false;
    for (; count < candidates_.size(); ++count) {
        const float logit = candidates_[count].first;
        if (reached && logit < candidates_[count - 1].first) break;
        const float weight = weight_of(logit);
        if (weight < settings_.min_p) break;
        kept_mass += weight;
        reached = kept_mass >= settings_.top_p * total;
    }
    if (count == 0) return argmax(logits);
    const auto kept_end = candidates_.begin() + static_cast<std::ptrdiff_t>(count);
    std::sort(candidates_.begin(), kept_end,
              [](const auto& a, const auto& b) { return a.second < b.second; });
    std::uniform_real_distribution<double> uniform(0.0, kept_mass);
    double pick = uniform(rng_);
    for (std::size_t i = 0; i < count; ++i) {
        pick -= weight_of(candidates_[i].first);
        if (pick <= 0) return candidates_[i].second;
    }
    return candidates_[count - 1].second;
}

// top_p keeps every token: those at or above min_p, drawn in id order (weights_ is filled).
std::int32_t Sampler::draw_in_id_order() {
    double kept_mass = 0;
    for (const float weight : weights_) {
        if (weight >= settings_.min_p) kept_mass += weight;
    }
    std::uniform_real_distribution<double> uniform(0.0, kept_mass);
    double pick = uniform(rng_);
    std::int32_t last = 0;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
        if (weights_[i] < settings_.min_p || weights_[i] <= 0.0f) continue;
        last = static_cast<std::int32_t>(i);
        pick -= weights_[i];
        if (pick <= 0) return last;
    }
    return last;
}

} // namespace hearth
