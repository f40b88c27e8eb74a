#include "grouped_attention.h"

#include <algorithm>
#include <cmath>

#include "row_kernels.h"

namespace hearth::cpu {

// A partial and a running state are laid out alike: [group maxima][group sums][group][head_dim
// outputs].

GroupedAttention::GroupedAttention(std::uint32_t group, std::uint32_t head_dim, float scale)
    : group_(group), head_dim_(head_dim), scale_(scale) {}

void GroupedAttention::attend_span(const float* q, const KeyValueRing& ring, std::uint32_t first,
                                   std::uint32_t last, std::uint32_t span, float* partial) const {
    const std::uint32_t begin = first + span * attention_span;
    const std::uint32_t count = std::min(attention_span, last - begin + 1);
    const std::size_t D = head_dim_;
    thread_local std::vector<float> scores;
    scores.resize(std::size_t{group_} * attention_span);

    // Four queries against up to max_tile_tokens keys at a time; a group that is not a multiple
    // of four repeats its last query and drops the repeats.
    const float* keys[max_tile_tokens];
    float tile[4 * max_tile_tokens];
    for (std::uint32_t j = 0; j < count; j += max_tile_tokens) {
        const std::size_t tile_keys = std::min<std::size_t>(max_tile_tokens, count - j);
        for (std::size_t k = 0; k < tile_keys; ++k)
            keys[k] = ring.keys + std::size_t{(begin + j + k) % ring.capacity} * ring.row_stride;
        for (std::uint32_t g = 0; g < group_; g += 4) {
            const float* queries[4];
            for (std::uint32_t r = 0; r < 4; ++r)
                queries[r] = q + std::min(g + r, group_ - 1) * D;
            dot_rows_tile(queries, keys, tile_keys, D, tile);
            for (std::uint32_t r = 0; r < 4 && g + r < group_; ++r) {
                for (std::size_t k = 0; k < tile_keys; ++k)
                    scores[(g + r) * attention_span + j + k] = tile[k * 4 + r] * scale_;
            }
        }
    }

    float* maxima = partial;
    float* sums = partial + group_;
    float* outs = partial + 2 * group_;
    for (std::uint32_t g = 0; g < group_; ++g) {
        float* s = scores.data() + g * attention_span;
        maxima[g] = *std::max_element(s, s + count);
        sums[g] = exponentiate_scores(s, count, maxima[g]);
    }

    // The span's values are contiguous but for at most one wrap of the ring.
    std::fill(outs, outs + group_ * D, 0.0f);
    const std::uint32_t slot = begin % ring.capacity;
    const std::uint32_t before_wrap = std::min(count, ring.capacity - slot);
    for (std::uint32_t g = 0; g < group_; ++g) {
        const float* weights = scores.data() + g * attention_span;
        add_weighted_rows(weights, ring.values + slot * ring.row_stride, ring.row_stride,
                          before_wrap, D, outs + g * D);
        if (before_wrap < count) {
            add_weighted_rows(weights + before_wrap, ring.values, ring.row_stride,
                              count - before_wrap, D, outs + g * D);
        }
    }
}

void GroupedAttention::start(const float* sinks, float* state) const {
    std::copy_n(sinks, group_, state);                         // the sink is the first score
    std::fill_n(state + group_, group_, 1.0f);                 // exp(sink - sink)
    std::fill_n(state + 2 * group_, group_ * head_dim_, 0.0f); // and has no value
}

void GroupedAttention::merge(float* state, const float* partial) const {
    for (std::uint32_t g = 0; g < group_; ++g) {
        const float max_score = std::max(state[g], partial[g]);
        const float old_factor = std::exp(state[g] - max_score);
        const float new_factor = std::exp(partial[g] - max_score);
        state[g] = max_score;
        state[group_ + g] = state[group_ + g] * old_factor + partial[group_ + g] * new_factor;
        float* out = state + 2 * group_ + g * head_dim_;
        const float* add = partial + 2 * group_ + g * head_dim_;
        for (std::uint32_t i = 0; i < head_dim_; ++i)
            out[i] = out[i] * old_factor + add[i] * new_factor;
    }
}

void GroupedAttention::finish(const float* state, float* out) const {
    for (std::uint32_t g = 0; g < group_; ++g) {
        const float* sum = state + 2 * group_ + g * head_dim_;
        for (std::uint32_t i = 0; i < head_dim_; ++i)
            out[g * head_dim_ + i] = sum[i] / state[group_ + g];
    }
}

void GroupedAttention::combine(const float* sinks, const float* partials, std::uint32_t count,
                               float* out) const {
    thread_local std::vector<float> state;
    state.resize(partial_size());
    start(sinks, state.data());
    for (std::uint32_t span = 0; span < count; ++span)
        merge(state.data(), partials + span * partial_size());
    finish(state.data(), out);
}

void GroupedAttention::attend(const float* q, const KeyValueRing& ring, std::uint32_t first,
                              std::uint32_t last, const float* sinks, float* out) const {
    thread_local std::vector<float> state, partial;
    state.resize(partial_size());
    partial.resize(partial_size());
    start(sinks, state.data());
    for (std::uint32_t span = 0; span < span_count(first, last); ++span) {
        attend_span(q, ring, first, last, span, partial.data());
        merge(state.data(), partial.data());
    }
    finish(state.data(), out);
}

} // namespace hearth::cpu
