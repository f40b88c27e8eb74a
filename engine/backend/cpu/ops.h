// The element-wise and per-head operations of the gpt-oss forward pass, in fp32, exactly as
// shared/docs/gpt-oss-model.md section 3 defines them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace hearth::cpu {

// y = g * x / sqrt(mean(x^2) + eps)
void rms_norm(const float* x, const float* gain, float eps, std::size_t n, float* out);

// RoPE with YaRN scaling (NeoX half-split pairs; cos and sin carry the concentration factor).
class YarnRope {
  public:
    explicit YarnRope(const model::ModelConfig& config);
    // Rotates one head vector (head_dim values) in place for `position`.
    void apply(float* head, std::uint32_t position) const;
    const std::vector<float>& inverse_frequencies() const { return inv_freq_; }
    float concentration() const { return concentration_; }

  private:
    std::vector<float> inv_freq_;
    float concentration_;
};

// Clamped SwiGLU: gate clamped above at limit, up clamped to [-limit, limit], alpha 1.702.
float swiglu(float gate, float up, float limit);

struct ExpertChoice {
    std::uint32_t expert;
    float weight;
};

// The k largest router logits (descending, the lower index first on ties) and the softmax over
// those k only.
void route(const float* logits, std::uint32_t experts, std::uint32_t k, ExpertChoice* out);

} // namespace hearth::cpu
