#include <algorithm>
#include <cmath>
#include <limits>

#include "hearth/sampling.h"

namespace hearth {
namespace {

std::int32_t argmax(std::span<const float> logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

} // namespace

Sampler::Sampler(const SamplingSettings& settings) : settings_(settings), rng_(settings.seed) {}

std::int32_t Sampler::sample(std::span<const float> logits) {
    if (settings_.temperature <= 0.0f || settings_.top_k == 1) return argmax(logits);

    // Candidates sorted by logit, most likely first; top-k cuts the list before any exp().
    candidates_.clear();
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (logits[i] > -std::numeric_limits<float>::infinity()) {
            candidates_.emplace_back(logits[i], static_cast<std::int32_t>(i));
        }
    }
    if (candidates_.empty()) return argmax(logits);
    const auto by_logit = [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    };
    std::size_t keep = candidates_.size();
    if (settings_.top_k > 0 && settings_.top_k < keep) {
        keep = settings_.top_k;
        std::partial_sort(candidates_.begin(),
                          candidates_.begin() + static_cast<std::ptrdiff_t>(keep),
                          candidates_.end(), by_logit);
    } else {
        std::sort(candidates_.begin(), candidates_.end(), by_logit);
    }
    candidates_.resize(keep);

    // Probabilities at the temperature (max subtracted first for stability).
    const float top = candidates_.front().first;
    double total = 0;
    for (auto& [value, id] : candidates_) {
        value = std::exp((value - top) / settings_.temperature);
        total += value;
    }
    // min-p relative to the most likely token (whose weight is exp(0) = 1), then top-p.
    std::size_t count = 0;
    double kept_mass = 0;
    for (const auto& [weight, id] : candidates_) {
        if (weight < settings_.min_p) break;
        kept_mass += weight;
        ++count;
        if (kept_mass >= settings_.top_p * total) break;
    }
    std::uniform_real_distribution<double> uniform(0.0, kept_mass);
    double pick = uniform(rng_);
    for (std::size_t i = 0; i < count; ++i) {
        pick -= candidates_[i].first;
        if (pick <= 0) return candidates_[i].second;
    }
    return candidates_[count - 1].second;
}

} // namespace hearth
