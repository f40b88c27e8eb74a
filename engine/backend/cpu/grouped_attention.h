// Attention for the query heads that share one key/value head (grouped-query attention), with a
// learned sink per query head: each cached key and value is read once for the whole group
// instead of once per head.
//
// Positions are taken in spans of attention_span. Each span gives a partial softmax (its largest
// score, its sum of exponentials and its unnormalised weighted values), and the partials merge in
// position order. The arithmetic is the same whether the spans run on one thread, one after the
// other, or on many (a long decode spreads them over the pool), so results do not depend on the
// thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hearth::cpu {

inline constexpr std::uint32_t attention_span = 256;

// One key/value head's cached positions: position u's head_dim values start at
// (u % capacity) * row_stride of each array.
struct KeyValueRing {
    const float* keys;
    const float* values;
    std::uint32_t capacity;
    std::size_t row_stride;
};

class GroupedAttention {
  public:
    // `group` query heads of `head_dim` values; scores are scaled by `scale` before the softmax.
    GroupedAttention(std::uint32_t group, std::uint32_t head_dim, float scale);

    // Floats in one span's partial result.
    std::size_t partial_size() const { return std::size_t{group_} * (head_dim_ + 2); }
    // Spans covering positions first..last.
    static std::uint32_t span_count(std::uint32_t first, std::uint32_t last) {
        return (last - first) / attention_span + 1;
    }

    // The partial of span `span` of first..last for the group's queries q[group][head_dim].
    void attend_span(const float* q, const KeyValueRing& ring, std::uint32_t first,
                     std::uint32_t last, std::uint32_t span, float* partial) const;
    // out[group][head_dim]: the sinks and `count` partials (in position order) merged.
    void combine(const float* sinks, const float* partials, std::uint32_t count, float* out) const;
    // Both steps on the calling thread (as combine, with partials made one by one).
    void attend(const float* q, const KeyValueRing& ring, std::uint32_t first, std::uint32_t last,
                const float* sinks, float* out) const;

  private:
    // A running merge: the group's maxima, sums and outputs.
    void start(const float* sinks, float* state) const;
    void merge(float* state, const float* partial) const;
    void finish(const float* state, float* out) const;

    std::uint32_t group_, head_dim_;
    float scale_;
};

} // namespace hearth::cpu
