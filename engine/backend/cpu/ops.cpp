#include "ops.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hearth::cpu {

void rms_norm(const float* x, const float* gain, float eps, std::size_t n, float* out) {
    double sum_squares = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum_squares += static_cast<double>(x[i]) * x[i];
    const auto inverse =
        static_cast<float>(1.0 / std::sqrt(sum_squares / static_cast<double>(n) + eps));
    for (std::size_t i = 0; i < n; ++i)
        out[i] = gain[i] * (x[i] * inverse);
}

YarnRope::YarnRope(const model::ModelConfig& c) {
    // Section 3.2: gpt-oss does not round the correction range [low, high] (truncate = false);
    // a config that asks for it gets Hugging Face's rounding out to whole pairs.
    const double d = c.head_dim, theta = c.rope_theta, s = c.yarn_factor;
    const double l0 = c.yarn_original_context;
    const auto correction = [&](double beta) {
        return (d / 2) * std::log(l0 / (beta * 2 * std::numbers::pi)) / std::log(theta);
    };
    double low = correction(c.yarn_beta_fast), high = correction(c.yarn_beta_slow);
    if (c.yarn_truncate) {
        low = std::max(std::floor(low), 0.0);
        high = std::min(std::ceil(high), d - 1);
    }
    if (high == low) high += 0.001; // as Hugging Face: a ramp, not a division by zero
    const std::uint32_t pairs = c.head_dim / 2;
    inv_freq_.resize(pairs);
    for (std::uint32_t i = 0; i < pairs; ++i) {
        const double extrapolation = 1.0 / std::pow(theta, 2.0 * i / d);
        const double interpolation = extrapolation / s;
        const double ramp = s > 1 ? std::clamp((i - low) / (high - low), 0.0, 1.0) : 0.0;
        inv_freq_[i] = static_cast<float>(interpolation * ramp + extrapolation * (1 - ramp));
    }
    concentration_ = s > 1 ? static_cast<float>(0.1 * std::log(s) + 1.0) : 1.0f;
}

void YarnRope::apply(float* head, std::uint32_t position) const {
    const std::size_t pairs = inv_freq_.size();
    for (std::size_t i = 0; i < pairs; ++i) {
        const double angle = static_cast<double>(position) * inv_freq_[i];
        const auto c = static_cast<float>(std::cos(angle)) * concentration_;
        const auto s = static_cast<float>(std::sin(angle)) * concentration_;
        const float a = head[i], b = head[i + pairs];
        head[i] = a * c - b * s;
        head[i + pairs] = b * c + a * s;
    }
}

float swiglu(float gate, float up, float limit) {
    constexpr float alpha = 1.702f;
    gate = std::min(gate, limit);
    up = std::clamp(up, -limit, limit);
    return gate / (1.0f + std::exp(-alpha * gate)) * (up + 1.0f);
}

void route(const float* logits, std::uint32_t experts, std::uint32_t k, ExpertChoice* out) {
    // Selection sort of the k largest: k is 4 and experts at most a few hundred.
    std::vector<bool> taken(experts, false);
    for (std::uint32_t slot = 0; slot < k; ++slot) {
        std::uint32_t best = experts;
        for (std::uint32_t e = 0; e < experts; ++e) {
            if (!taken[e] && (best == experts || logits[e] > logits[best])) best = e;
        }
        taken[best] = true;
        out[slot] = {best, logits[best]};
    }
    const float max_logit = out[0].weight;
    float sum = 0;
    for (std::uint32_t slot = 0; slot < k; ++slot) {
        out[slot].weight = std::exp(out[slot].weight - max_logit);
        sum += out[slot].weight;
    }
    for (std::uint32_t slot = 0; slot < k; ++slot)
        out[slot].weight /= sum;
}

} // namespace hearth::cpu
