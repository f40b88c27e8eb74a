#include "cpu_weights.h"

#include <algorithm>
#include <limits>

#include "aligned_floats.h"
#include "model/decode.h"

namespace hearth::cpu {

CpuProjection::CpuProjection(const model::Projection& p, std::uint64_t rows)
    : locate_(p.matrix), map_(p.rows), rows_(rows), cols_(p.matrix.cols),
      format_(row_format(p.matrix)) {
    bias_.resize(p.matrix.stack * rows);
    std::vector<float> stored(p.bias.cols);
    for (std::uint64_t s = 0; s < p.matrix.stack; ++s) {
        model::decode_row(p.bias, s, 0, stored);
        for (std::uint64_t j = 0; j < rows; ++j)
            bias_[s * rows + j] = stored[map_.physical(j)];
    }
}

CpuProjection::CpuProjection(const model::WeightRef& matrix)
    : locate_(matrix), rows_(matrix.rows), cols_(matrix.cols), format_(row_format(matrix)) {}

void CpuProjection::apply_rows(const RowKernels& kernels, std::uint64_t stack, DotInput x, float* y,
                               std::size_t begin, std::size_t end) const {
    const float* b = bias(stack);
    for (std::size_t j = begin; j < end; ++j)
        y[j] = kernels.dot(row(stack, j), x, cols_) + (b ? b[j] : 0.0f);
}

void CpuProjection::apply(std::uint64_t stack, const float* x, std::size_t count, float* y,
                          ThreadPool& pool) const {
    if (count == 1) {
        const MatVec product{this, stack, x, y};
        apply_together({&product, 1}, pool);
        return;
    }
    // Batched: decode four rows at a time and run them against every token, a tile of tokens at
    // a time, so each row is decoded once per batch and each load feeds several sums.
    const RowKernels& kernels = row_kernels(format_);
    const float* b = bias(stack);
    const std::size_t cols = cols_;
    const std::size_t groups = (rows_ + 3) / 4;
    pool.parallel_for(groups, [&](std::size_t begin, std::size_t end) {
        thread_local AlignedFloats decoded;
        decoded.resize(4 * cols);
        for (std::size_t g = begin; g < end; ++g) {
            const std::size_t first = g * 4, n_rows = std::min<std::size_t>(4, rows_ - first);
            const float* rows[4];
            for (std::size_t r = 0; r < 4; ++r) {
                // A short last group repeats its last row; the extra results are not stored.
                const std::size_t j = first + std::min(r, n_rows - 1);
                kernels.decode(row(stack, j), decoded.data() + r * cols, cols);
                rows[r] = decoded.data() + r * cols;
            }
            for (std::size_t t = 0; t < count; t += max_tile_tokens) {
                const std::size_t tokens = std::min(max_tile_tokens, count - t);
                const float* xs[max_tile_tokens];
                for (std::size_t u = 0; u < tokens; ++u)
                    xs[u] = x + (t + u) * cols;
                float out[max_tile_tokens * 4];
                dot_rows_tile(rows, xs, tokens, cols, out);
                for (std::size_t u = 0; u < tokens; ++u) {
                    for (std::size_t r = 0; r < n_rows; ++r) {
                        y[(t + u) * rows_ + first + r] = out[u * 4 + r] + (b ? b[first + r] : 0.0f);
                    }
                }
            }
        }
    });
}

namespace {

// The products' inputs, each prepared once for kernels that read it rearranged. Products with
// the same input and preparation share one copy (a decode step's experts all read one vector).
std::vector<DotInput> prepare_inputs(std::span<const MatVec> products,
                                     std::span<const RowKernels* const> kernels) {
    using Prepare = decltype(RowKernels::prepare);
    struct Prepared {
        const float* x;
        std::size_t n;
        Prepare prepare;
        std::size_t offset;
    };
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    thread_local AlignedFloats storage;
    std::vector<Prepared> unique;
    std::vector<std::size_t> prepared_for(products.size(), none); // index into unique
    std::size_t floats = 0;
    for (std::size_t i = 0; i < products.size(); ++i) {
        const auto& p = products[i];
        const Prepare prepare = kernels[i]->prepare;
        if (!prepare) continue;
        const std::size_t n = p.projection->cols();
        auto it = std::find_if(unique.begin(), unique.end(), [&](const Prepared& u) {
            return u.x == p.x && u.n == n && u.prepare == prepare;
        });
        if (it == unique.end()) {
            it = unique.insert(it, {p.x, n, prepare, floats});
            floats += n;
        }
        prepared_for[i] = static_cast<std::size_t>(it - unique.begin());
    }
    storage.resize(floats);
    float* base = storage.data();
    for (const auto& u : unique)
        u.prepare(u.x, u.n, base + u.offset);
    std::vector<DotInput> inputs;
    inputs.reserve(products.size());
    for (std::size_t i = 0; i < products.size(); ++i) {
        const std::size_t u = prepared_for[i];
        inputs.push_back({products[i].x, u == none ? nullptr : base + unique[u].offset});
    }
    return inputs;
}

} // namespace

void apply_together(std::span<const MatVec> products, ThreadPool& pool) {
    // Looked up once, so the inputs and the dots agree even if the kernel set changes meanwhile.
    std::vector<const RowKernels*> kernels;
    kernels.reserve(products.size());
    for (const auto& p : products)
        kernels.push_back(&row_kernels(p.projection->format()));
    const std::vector<DotInput> inputs = prepare_inputs(products, kernels);
    std::size_t total = 0;
    for (const auto& p : products)
        total += p.projection->rows();
    pool.parallel_for(total, [&](std::size_t begin, std::size_t end) {
        // [begin, end) counts rows across the products in order; run each one's share.
        std::size_t first = 0;
        for (std::size_t i = 0; i < products.size(); ++i) {
            const auto& p = products[i];
            const std::size_t rows = p.projection->rows();
            const std::size_t from = std::max(begin, first), to = std::min(end, first + rows);
            if (from < to)
                p.projection->apply_rows(*kernels[i], p.stack, inputs[i], p.y, from - first,
                                         to - first);
            first += rows;
        }
    });
}

void CpuEmbedding::decode(std::uint64_t token, float* out) const {
    model::decode_row(table, 0, token, std::span<float>(out, table.cols));
}

Result<CpuWeights> prepare_cpu_weights(const model::ModelFiles& files) {
    const auto& c = files.config;
    const auto& w = files.weights;
    CpuWeights cpu;
    cpu.embedding.table = w.embedding;
    cpu.final_norm = model::decode_all(w.final_norm);
    cpu.unembedding = CpuProjection(w.unembedding);
    for (const auto& l : w.layers) {
        CpuLayer layer;
        layer.attn_norm = model::decode_all(l.attn_norm);
        layer.mlp_norm = model::decode_all(l.mlp_norm);
        layer.sinks = model::decode_all(l.sinks);
        layer.q = CpuProjection(l.q, c.q_size());
        layer.k = CpuProjection(l.k, c.kv_size());
        layer.v = CpuProjection(l.v, c.kv_size());
        layer.out = CpuProjection(l.out, c.hidden_size);
        layer.router = CpuProjection(l.router, c.expert_count);
        layer.gate = CpuProjection(l.experts.gate, c.expert_hidden_size);
        layer.up = CpuProjection(l.experts.up, c.expert_hidden_size);
        layer.down = CpuProjection(l.experts.down, c.hidden_size);
        cpu.layers.push_back(std::move(layer));
    }
    return cpu;
}

} // namespace hearth::cpu
