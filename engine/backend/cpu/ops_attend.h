// Template body of attend() (ops.h).
#pragma once

#include <algorithm>
#include <cmath>

#include "row_kernels.h"

namespace hearth::cpu {

template <typename Keys, typename Values>
void attend(const float* q, std::uint32_t first, std::uint32_t last, Keys keys, Values values,
            float sink, float scale, std::uint32_t head_dim, float* scores, float* out) {
    float max_score = sink;
    for (std::uint32_t u = first; u <= last; ++u) {
        const float z = dot_f32(q, keys(u), head_dim) * scale;
        scores[u - first] = z;
        max_score = std::max(max_score, z);
    }
    float denominator = std::exp(sink - max_score);
    for (std::uint32_t u = first; u <= last; ++u) {
        scores[u - first] = std::exp(scores[u - first] - max_score);
        denominator += scores[u - first];
    }
    std::fill(out, out + head_dim, 0.0f);
    for (std::uint32_t u = first; u <= last; ++u) {
        const float w = scores[u - first] / denominator;
        const float* v = values(u);
        for (std::uint32_t i = 0; i < head_dim; ++i)
            out[i] += w * v[i];
    }
}

} // namespace hearth::cpu
