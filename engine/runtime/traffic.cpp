#include "traffic.h"

#include <algorithm>

namespace hearth::model {
namespace {

// Bytes of one stack entry of a weight (one expert's matrix, or the whole matrix).
std::uint64_t bytes_per_stack(const WeightRef& w) {
    return (w.data.size() + w.scales.size()) / w.stack;
}

} // namespace

std::uint64_t bytes_read_per_token(const ModelFiles& files, std::uint32_t context,
                                   std::uint64_t kv_row_bytes) {
    const auto& c = files.config;
    const auto& w = files.weights;
    std::uint64_t bytes = w.embedding.data.size() / c.vocab_size; // one embedding row
    bytes += w.final_norm.data.size() + w.unembedding.data.size();
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        const auto& l = w.layers[layer];
        for (const auto* p : {&l.q, &l.k, &l.v, &l.out, &l.router}) {
            bytes += p->matrix.data.size() + p->bias.data.size();
        }
        bytes += l.attn_norm.data.size() + l.mlp_norm.data.size() + l.sinks.data.size();
        // Fused gate/up is one matrix of both halves: count it once.
        const bool fused = l.experts.layout != GateUpLayout::separate;
        const std::uint64_t gate_up = bytes_per_stack(l.experts.gate.matrix) * (fused ? 1 : 2);
        const std::uint64_t per_expert = gate_up + bytes_per_stack(l.experts.down.matrix) +
                                         bytes_per_stack(l.experts.gate.bias) * (fused ? 1 : 2) +
                                         bytes_per_stack(l.experts.down.bias);
        bytes += per_expert * c.experts_per_token;
        // Keys and values of every position attended, as the backend keeps them.
        const std::uint32_t attended =
            c.is_sliding_layer(layer) ? std::min(context, c.sliding_window) : context;
        bytes += std::uint64_t{attended} * 2 * c.kv_head_count * kv_row_bytes;
    }
    return bytes;
}

} // namespace hearth::model
