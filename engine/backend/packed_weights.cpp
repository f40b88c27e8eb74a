#include "packed_weights.h"

#include <algorithm>
#include <functional>
#include <thread>

#include "kernel_args.h"
#include "model/decode.h"

namespace hearth::gpu {
namespace {

namespace ka = kernel_args;

// A matrix as the device will hold it: which stored row of which stack entry each device row is.
struct RowPlan {
    const model::WeightRef* source = nullptr;
    std::uint64_t rows = 0;
    std::function<std::pair<std::uint64_t, std::uint64_t>(std::uint64_t)> stored_row;
};

struct ProjectionPlan {
    std::vector<RowPlan> parts; // device rows: the parts' rows in turn (gate then up per expert)
    std::vector<float> bias;
};

// A plain projection: logical row j is stored row map.physical(j) of stack entry 0.
RowPlan plain_rows(const model::WeightRef& w, model::RowMap map, std::uint64_t rows) {
    return {&w, rows, [map](std::uint64_t j) {
                return std::pair{std::uint64_t{0}, map.physical(j)};
            }};
}

// Appends the bias of logical rows [0, rows) of stack entry `stack` (one decode per entry).
void append_bias(const model::Projection& p, std::uint64_t stack, std::uint64_t rows,
                 std::vector<float>& out) {
    std::vector<float> stored(p.bias.cols);
    model::decode_row(p.bias, stack, 0, stored);
    for (std::uint64_t j = 0; j < rows; ++j)
        out.push_back(stored[p.rows.physical(j)]);
}

ProjectionPlan plan_projection(const model::Projection& p, std::uint64_t rows) {
    ProjectionPlan plan{{plain_rows(p.matrix, p.rows, rows)}, {}};
    append_bias(p, 0, rows, plan.bias);
    return plan;
}

// Query, key and value projections as one matrix: one dispatch instead of three.
ProjectionPlan plan_qkv(const model::LayerWeights& l, const model::ModelConfig& c) {
    ProjectionPlan plan;
    for (const auto& [p, rows] : {std::pair{&l.q, c.q_size()}, std::pair{&l.k, c.kv_size()},
                                  std::pair{&l.v, c.kv_size()}}) {
        plan.parts.push_back(plain_rows(p->matrix, p->rows, rows));
        append_bias(*p, 0, rows, plan.bias);
    }
    return plan;
}

// The format one device matrix made of these weights is stored in: theirs when they agree,
// else f32, which holds every format's values exactly (files store q, k and v alike in
// practice; the test fixtures mix them).
Result<std::uint32_t> shared_format(std::span<const model::WeightRef* const> weights) {
    auto format = device_format(*weights.front());
    if (!format) return format;
    for (const auto* w : weights) {
        auto other = device_format(*w);
        if (!other) return other;
        if (*other != *format) return ka::weight_format_f32;
    }
    return format;
}

// Experts: per expert, `rows` logical rows of each projection in turn.
ProjectionPlan plan_experts(std::initializer_list<const model::Projection*> projections,
                            std::uint64_t experts, std::uint64_t rows) {
    ProjectionPlan plan;
    for (std::uint64_t e = 0; e < experts; ++e) {
        for (const model::Projection* p : projections) {
            const model::RowMap map = p->rows;
            plan.parts.push_back({&p->matrix, rows, [e, map](std::uint64_t j) {
                                      return std::pair{e, map.physical(j)};
                                  }});
            append_bias(*p, e, rows, plan.bias);
        }
    }
    return plan;
}

// Runs body(begin, end) over [0, rows) split across the cores: repacking is most of the time
// loading a model takes, and each row is independent.
void for_row_ranges(std::uint64_t rows,
                    const std::function<void(std::uint64_t, std::uint64_t)>& body) {
    const std::uint64_t threads = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
    if (threads == 1 || rows < 4096) {
        body(0, rows);
        return;
    }
    std::vector<std::thread> workers; // not jthread: the fuzz build's libc++ lacks it
    for (std::uint64_t t = 1; t < threads; ++t)
        workers.emplace_back(body, rows * t / threads, rows * (t + 1) / threads);
    body(0, rows / threads);
    for (auto& worker : workers)
        worker.join();
}

Result<PackedMatrix> pack_matrix(const std::vector<RowPlan>& parts) {
    std::vector<const model::WeightRef*> sources;
    for (const auto& part : parts)
        sources.push_back(part.source);
    auto format = shared_format(sources);
    if (!format) return std::unexpected(format.error());
    std::vector<std::uint64_t> firsts; // the device row each part starts at
    std::uint64_t rows = 0;
    for (const auto& part : parts) {
        firsts.push_back(rows);
        rows += part.rows;
    }
    const std::uint64_t cols = parts.front().source->cols;
    MatrixPacker packer(*format, rows, cols);
    for_row_ranges(rows, [&](std::uint64_t begin, std::uint64_t end) {
        auto part = static_cast<std::size_t>(std::upper_bound(firsts.begin(), firsts.end(), begin) -
                                             firsts.begin() - 1);
        for (std::uint64_t i = begin; i < end; ++i) {
            while (part + 1 < parts.size() && firsts[part + 1] <= i)
                ++part;
            const auto [stack, row] = parts[part].stored_row(i - firsts[part]);
            packer.set_row(i, *parts[part].source, stack, row);
        }
    });
    return packer.finish();
}

Result<PackedProjection> pack_projection(ProjectionPlan plan) {
    auto matrix = pack_matrix(plan.parts);
    if (!matrix) return std::unexpected(matrix.error());
    return PackedProjection{std::move(*matrix), std::move(plan.bias)};
}

// Device bytes of `rows` rows of a matrix stored in `format`, with their f32 biases.
std::uint64_t matrix_bytes(Result<std::uint32_t> format, std::uint64_t cols, std::uint64_t rows) {
    if (!format) return 0;
    return rows * (packed_row_bytes(*format, cols) + packed_row_scale_bytes(*format, cols) + 4);
}

std::uint64_t matrix_bytes(const model::WeightRef& w, std::uint64_t rows) {
    return matrix_bytes(device_format(w), w.cols, rows);
}

} // namespace

std::uint64_t packed_weight_bytes(const model::ModelFiles& files) {
    const auto& c = files.config;
    const auto& w = files.weights;
    std::uint64_t total = matrix_bytes(w.embedding, w.embedding.rows) +
                          matrix_bytes(w.unembedding, w.unembedding.rows) + c.hidden_size * 4;
    for (const auto& l : w.layers) {
        const model::WeightRef* qkv_parts[] = {&l.q.matrix, &l.k.matrix, &l.v.matrix};
        const model::WeightRef* gate_up_parts[] = {&l.experts.gate.matrix, &l.experts.up.matrix};
        const auto qkv = shared_format(qkv_parts);
        const auto gate_up = shared_format(gate_up_parts);
        total +=
            matrix_bytes(qkv, c.hidden_size, c.q_size() + 2 * std::uint64_t{c.kv_size()}) +
            matrix_bytes(l.out.matrix, c.hidden_size) +
            matrix_bytes(l.router.matrix, c.expert_count) +
            matrix_bytes(gate_up, c.hidden_size,
                         2 * std::uint64_t{c.expert_count} * c.expert_hidden_size) +
            matrix_bytes(l.experts.down.matrix, std::uint64_t{c.expert_count} * c.hidden_size) +
            (2 * c.hidden_size + c.head_count) * 4;
    }
    return total;
}

namespace {

Result<PackedLayer> pack_layer(const model::ModelFiles& files, std::uint32_t layer) {
    const auto& c = files.config;
    const auto& l = files.weights.layers[layer];
    PackedLayer packed{model::decode_all(l.attn_norm),
                       model::decode_all(l.mlp_norm),
                       model::decode_all(l.sinks),
                       {},
                       {},
                       {},
                       {},
                       {}};
    const std::uint64_t E = c.expert_count, I = c.expert_hidden_size, H = c.hidden_size;
    std::pair<PackedProjection*, ProjectionPlan> plans[] = {
        {&packed.qkv, plan_qkv(l, c)},
        {&packed.out, plan_projection(l.out, H)},
        {&packed.router, plan_projection(l.router, E)},
        {&packed.gate_up, plan_experts({&l.experts.gate, &l.experts.up}, E, I)},
        {&packed.down, plan_experts({&l.experts.down}, E, H)},
    };
    for (auto& [target, plan] : plans) {
        auto projection = pack_projection(std::move(plan));
        if (!projection) return std::unexpected(projection.error());
        *target = std::move(*projection);
    }
    return packed;
}

} // namespace

Result<void> pack_weights(const model::ModelFiles& files,
                          const std::function<bool(double)>& progress,
                          const PackedWeightSink& sink) {
    const auto& w = files.weights;
    // Layers dominate the size; progress counts them.
    auto report = [&](std::size_t layers_done) {
        const double fraction =
            static_cast<double>(layers_done) / static_cast<double>(w.layers.size() + 1);
        return !progress || progress(fraction);
    };
    if (!report(0)) return fail(std::string(cancelled_message));
    auto embedding = pack_matrix({plain_rows(w.embedding, {}, w.embedding.rows)});
    if (!embedding) return std::unexpected(embedding.error());
    if (auto r = sink.embedding(std::move(*embedding)); !r) return r;
    for (std::uint32_t i = 0; i < w.layers.size(); ++i) {
        auto layer = pack_layer(files, i);
        if (!layer) return std::unexpected(layer.error());
        if (auto r = sink.layer(std::move(*layer)); !r) return r;
        if (!report(i + 1)) return fail(std::string(cancelled_message));
    }
    if (auto r = sink.final_norm(model::decode_all(w.final_norm)); !r) return r;
    auto unembedding = pack_projection({{plain_rows(w.unembedding, {}, w.unembedding.rows)},
                                        std::vector<float>(w.unembedding.rows, 0.0f)});
    if (!unembedding) return std::unexpected(unembedding.error());
    if (auto r = sink.unembedding(std::move(*unembedding)); !r) return r;
    if (progress && !progress(1.0)) return fail(std::string(cancelled_message));
    return {};
}

} // namespace hearth::gpu
