#include "cpu_backend.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "aligned_floats.h"
#include "backend/append_checks.h"
#include "backend/cache_window.h"
#include "cpu_weights.h"
#include "float_mode.h"
#include "grouped_attention.h"
#include "ops.h"
#include "thread_pool.h"

namespace hearth::cpu {
namespace {

struct LayerCache {
    std::uint32_t capacity = 0;      // positions; a ring for sliding layers
    std::vector<float> keys, values; // [kv_head][capacity][head_dim]: each head's rows contiguous

    KeyValueRing head(std::size_t kv_head, std::size_t head_dim) const {
        const std::size_t offset = kv_head * capacity * head_dim;
        return {keys.data() + offset, values.data() + offset, capacity, head_dim};
    }
};

class CpuBackend;

class CpuContext final : public Sequence {
  public:
    CpuContext(CpuBackend& backend, std::uint32_t max_positions);
    std::uint32_t length() const override { return length_; }
    std::uint32_t capacity() const override { return max_positions_; }
    Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) override;
    std::uint32_t truncate(std::uint32_t keep) override;
    Result<void> save_rewind_point() override;

  private:
    // Copies the rows of the window before the rewind point out of the rings, or back in.
    void copy_rewind_point(bool into_rings);

    void forward_chunk(std::span<const std::int32_t> tokens, std::span<float> logits);
    void attention(std::uint32_t layer, std::size_t count);
    void mixture_of_experts(std::uint32_t layer, std::size_t count);
    void token_experts(std::uint32_t layer, std::span<ExpertChoice> choices);

    CpuBackend& backend_;
    std::uint32_t max_positions_;
    std::uint32_t length_ = 0;
    RingReach rings_;
    std::optional<std::uint32_t> rewind_point_; // its position
    // Its rows in each ring layer (empty for the others), [kv_head][position][head_dim].
    std::vector<std::vector<float>> rewind_keys_, rewind_values_;
    std::vector<LayerCache> caches_;
    // Activations of the current chunk, [tokens][width].
    AlignedFloats x_, h_, q_, k_, v_, attn_, router_;
    AlignedFloats gate_, up_, down_; // one token's experts, [k][size]
    AlignedFloats last_;             // the last token's final norm
    AlignedFloats partials_;         // decode attention's spans (GroupedAttention)
};

class CpuBackend final : public Backend {
  public:
    CpuBackend(std::shared_ptr<const model::ModelFiles> files, CpuWeights weights, unsigned threads)
        : files_(std::move(files)), weights_(std::move(weights)), rope_(files_->config),
          pool_(threads) {}

    std::string_view name() const override { return "cpu"; }
    std::string description() const override {
        return "CPU, " + std::to_string(pool_.size()) + " threads";
    }
    std::uint32_t vocab_size() const override { return files_->config.vocab_size; }
    std::uint64_t kv_cache_row_bytes() const override {
        return std::uint64_t{files_->config.head_dim} * sizeof(float);
    }
    Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) override {
        if (auto ok = check_context_size(files_->config, max_positions); !ok) {
            return std::unexpected(ok.error());
        }
        return std::make_unique<CpuContext>(*this, max_positions);
    }

    const model::ModelConfig& config() const { return files_->config; }
    const CpuWeights& weights() const { return weights_; }
    const YarnRope& rope() const { return rope_; }
    ThreadPool& pool() { return pool_; }

  private:
    std::shared_ptr<const model::ModelFiles> files_;
    CpuWeights weights_;
    YarnRope rope_;
    ThreadPool pool_;
};

CpuContext::CpuContext(CpuBackend& backend, std::uint32_t max_positions)
    : backend_(backend), max_positions_(max_positions) {
    const auto& c = backend_.config();
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        LayerCache cache;
        cache.capacity = c.is_sliding_layer(layer)
                             ? std::min(max_positions,
                                        c.sliding_window + max_prefill_chunk + sliding_rewind_slack)
                             : max_positions;
        cache.keys.resize(std::size_t{cache.capacity} * c.kv_size());
        cache.values.resize(std::size_t{cache.capacity} * c.kv_size());
        caches_.push_back(std::move(cache));
    }
}

Result<void> CpuContext::append(std::span<const std::int32_t> tokens, std::span<float> logits) {
    if (auto ok = check_append(backend_.config(), tokens, logits, length_, max_positions_); !ok) {
        return ok;
    }
    const ScopedDenormals flushed(Denormals::flushed); // see float_mode.h
    for (std::size_t start = 0; start < tokens.size(); start += max_prefill_chunk) {
        const std::size_t count = std::min<std::size_t>(max_prefill_chunk, tokens.size() - start);
        const bool last = start + count == tokens.size();
        forward_chunk(tokens.subspan(start, count), last ? logits : std::span<float>());
    }
    return {};
}

std::uint32_t CpuContext::truncate(std::uint32_t keep) {
    std::vector<std::uint32_t> capacities;
    for (const auto& cache : caches_)
        capacities.push_back(cache.capacity);
    length_ =
        rewind_rings(backend_.config(), capacities, length_, rings_, rewind_point_, keep, [&] {
            copy_rewind_point(true);
            return true;
        });
    return length_;
}

Result<void> CpuContext::save_rewind_point() {
    rewind_point_ = length_;
    copy_rewind_point(false);
    return {};
}

void CpuContext::copy_rewind_point(bool into_rings) {
    const auto& c = backend_.config();
    const std::uint32_t position = *rewind_point_;
    const std::uint32_t count = std::min(position, c.sliding_window);
    const std::size_t row = c.head_dim;
    rewind_keys_.resize(caches_.size());
    rewind_values_.resize(caches_.size());
    for (std::size_t layer = 0; layer < caches_.size(); ++layer) {
        auto& cache = caches_[layer];
        if (cache.capacity >= max_positions_) continue; // keeps every position
        const auto runs = rewind_window_runs(position, c.sliding_window, cache.capacity);
        for (auto [saved, ring] : {std::pair{&rewind_keys_[layer], &cache.keys},
                                   std::pair{&rewind_values_[layer], &cache.values}}) {
            saved->resize(c.kv_head_count * count * row);
            for (std::size_t head = 0; head < c.kv_head_count; ++head) {
                for (const auto run : runs) {
                    float* in_ring = ring->data() + (head * cache.capacity + run.slot) * row;
                    float* in_point = saved->data() + (head * count + run.saved_at) * row;
                    const std::size_t floats = std::size_t{run.count} * row;
                    if (into_rings) {
                        std::copy_n(in_point, floats, in_ring);
                    } else {
                        std::copy_n(in_ring, floats, in_point);
                    }
                }
            }
        }
    }
}

void CpuContext::forward_chunk(std::span<const std::int32_t> tokens, std::span<float> logits) {
    const auto& c = backend_.config();
    const auto& w = backend_.weights();
    const std::size_t n = tokens.size(), H = c.hidden_size;
    x_.resize(n * H);
    h_.resize(n * H);
    for (std::size_t t = 0; t < n; ++t) {
        w.embedding.decode(static_cast<std::uint64_t>(tokens[t]), x_.data() + t * H);
    }
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        attention(layer, n);
        mixture_of_experts(layer, n);
    }
    length_ += static_cast<std::uint32_t>(n);
    rings_.wrote_until(length_);
    if (logits.empty()) return;
    last_.resize(H);
    rms_norm(x_.data() + (n - 1) * H, w.final_norm.data(), c.rms_norm_eps, H, last_.data());
    w.unembedding.apply(0, last_.data(), 1, logits.data(), backend_.pool());
}

void CpuContext::attention(std::uint32_t layer, std::size_t n) {
    const auto& c = backend_.config();
    const auto& l = backend_.weights().layers[layer];
    const std::size_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size(), D = c.head_dim;
    auto& pool = backend_.pool();
    for (std::size_t t = 0; t < n; ++t) {
        rms_norm(x_.data() + t * H, l.attn_norm.data(), c.rms_norm_eps, H, h_.data() + t * H);
    }
    q_.resize(n * Q);
    k_.resize(n * KV);
    v_.resize(n * KV);
    if (n == 1) {
        const MatVec products[] = {{&l.q, 0, h_.data(), q_.data()},
                                   {&l.k, 0, h_.data(), k_.data()},
                                   {&l.v, 0, h_.data(), v_.data()}};
        apply_together(products, pool);
    } else {
        l.q.apply(0, h_.data(), n, q_.data(), pool);
        l.k.apply(0, h_.data(), n, k_.data(), pool);
        l.v.apply(0, h_.data(), n, v_.data(), pool);
    }

    auto& cache = caches_[layer];
    for (std::size_t t = 0; t < n; ++t) {
        const auto position = static_cast<std::uint32_t>(length_ + t);
        for (std::size_t head = 0; head < c.head_count; ++head) {
            backend_.rope().apply(q_.data() + t * Q + head * D, position);
        }
        for (std::size_t head = 0; head < c.kv_head_count; ++head) {
            backend_.rope().apply(k_.data() + t * KV + head * D, position);
        }
        const std::size_t slot = position % cache.capacity;
        for (std::size_t head = 0; head < c.kv_head_count; ++head) {
            const std::size_t row = (head * cache.capacity + slot) * D;
            std::copy_n(k_.data() + t * KV + head * D, D, cache.keys.data() + row);
            std::copy_n(v_.data() + t * KV + head * D, D, cache.values.data() + row);
        }
    }

    attn_.resize(n * Q);
    const auto group = static_cast<std::uint32_t>(c.head_count / c.kv_head_count);
    const GroupedAttention grouped(group, static_cast<std::uint32_t>(D),
                                   1.0f / std::sqrt(static_cast<float>(D)));
    const auto first_visible = [&](std::uint32_t position) {
        const bool sliding = c.is_sliding_layer(layer);
        return sliding && position >= c.sliding_window ? position - c.sliding_window + 1 : 0;
    };
    if (n == 1) {
        // Decode: the spans of every KV head in parallel, then each head's partials merged.
        const std::uint32_t first = first_visible(length_);
        const std::uint32_t spans = GroupedAttention::span_count(first, length_);
        partials_.resize(c.kv_head_count * spans * grouped.partial_size());
        pool.parallel_for(c.kv_head_count * spans, [&](std::size_t begin, std::size_t end) {
            for (std::size_t item = begin; item < end; ++item) {
                const std::size_t head = item / spans;
                grouped.attend_span(q_.data() + head * group * D, cache.head(head, D), first,
                                    length_, static_cast<std::uint32_t>(item % spans),
                                    partials_.data() + item * grouped.partial_size());
            }
        });
        for (std::size_t head = 0; head < c.kv_head_count; ++head) {
            grouped.combine(l.sinks.data() + head * group,
                            partials_.data() + head * spans * grouped.partial_size(), spans,
                            attn_.data() + head * group * D);
        }
    } else {
        pool.parallel_for(n * c.kv_head_count, [&](std::size_t begin, std::size_t end) {
            for (std::size_t item = begin; item < end; ++item) {
                const std::size_t t = item / c.kv_head_count, head = item % c.kv_head_count;
                const auto position = static_cast<std::uint32_t>(length_ + t);
                const std::size_t offset = t * Q + head * group * D;
                grouped.attend(q_.data() + offset, cache.head(head, D), first_visible(position),
                               position, l.sinks.data() + head * group, attn_.data() + offset);
            }
        });
    }
    // x += out_proj(attn): computed into h_ (free now) and added.
    l.out.apply(0, attn_.data(), n, h_.data(), pool);
    for (std::size_t i = 0; i < n * H; ++i)
        x_[i] += h_[i];
}

void CpuContext::mixture_of_experts(std::uint32_t layer, std::size_t n) {
    const auto& c = backend_.config();
    const auto& l = backend_.weights().layers[layer];
    const std::size_t H = c.hidden_size, E = c.expert_count, I = c.expert_hidden_size;
    const std::uint32_t K = c.experts_per_token;
    auto& pool = backend_.pool();
    for (std::size_t t = 0; t < n; ++t) {
        rms_norm(x_.data() + t * H, l.mlp_norm.data(), c.rms_norm_eps, H, h_.data() + t * H);
    }
    router_.resize(n * E);
    l.router.apply(0, h_.data(), n, router_.data(), pool);
    std::vector<ExpertChoice> choices(n * K);
    for (std::size_t t = 0; t < n; ++t) {
        route(router_.data() + t * E, static_cast<std::uint32_t>(E), K, choices.data() + t * K);
    }
    if (n == 1) {
        token_experts(layer, choices);
        return;
    }

    // Each expert runs once on all the tokens that chose it.
    std::vector<std::size_t> tokens;
    AlignedFloats gathered, gate, up, down; // the inputs of the next products: on cache lines
    for (std::uint32_t expert = 0; expert < E; ++expert) {
        tokens.clear();
        std::vector<float> weights;
        for (std::size_t t = 0; t < n; ++t) {
            for (std::uint32_t k = 0; k < K; ++k) {
                if (choices[t * K + k].expert == expert) {
                    tokens.push_back(t);
                    weights.push_back(choices[t * K + k].weight);
                }
            }
        }
        if (tokens.empty()) continue;
        const std::size_t m = tokens.size();
        gathered.resize(m * H);
        for (std::size_t i = 0; i < m; ++i) {
            std::copy_n(h_.data() + tokens[i] * H, H, gathered.data() + i * H);
        }
        gate.resize(m * I);
        up.resize(m * I);
        down.resize(m * H);
        l.gate.apply(expert, gathered.data(), m, gate.data(), pool);
        l.up.apply(expert, gathered.data(), m, up.data(), pool);
        for (std::size_t i = 0; i < m * I; ++i)
            gate[i] = swiglu(gate[i], up[i], c.swiglu_limit);
        l.down.apply(expert, gate.data(), m, down.data(), pool);
        for (std::size_t i = 0; i < m; ++i) {
            float* x = x_.data() + tokens[i] * H;
            for (std::size_t j = 0; j < H; ++j)
                x[j] += weights[i] * down[i * H + j];
        }
    }
}

// One token's experts, their gate/up rows in one parallel loop and their down rows in another;
// the outputs are added in expert order, as the batched path adds them.
void CpuContext::token_experts(std::uint32_t layer, std::span<ExpertChoice> choices) {
    const auto& c = backend_.config();
    const auto& l = backend_.weights().layers[layer];
    const std::size_t H = c.hidden_size, I = c.expert_hidden_size, K = choices.size();
    std::sort(choices.begin(), choices.end(),
              [](const ExpertChoice& a, const ExpertChoice& b) { return a.expert < b.expert; });
    gate_.resize(K * I);
    up_.resize(K * I);
    down_.resize(K * H);
    std::vector<MatVec> products;
    for (std::size_t k = 0; k < K; ++k) {
        products.push_back({&l.gate, choices[k].expert, h_.data(), gate_.data() + k * I});
        products.push_back({&l.up, choices[k].expert, h_.data(), up_.data() + k * I});
    }
    apply_together(products, backend_.pool());
    for (std::size_t i = 0; i < K * I; ++i)
        gate_[i] = swiglu(gate_[i], up_[i], c.swiglu_limit);
    products.clear();
    for (std::size_t k = 0; k < K; ++k) {
        products.push_back(
            {&l.down, choices[k].expert, gate_.data() + k * I, down_.data() + k * H});
    }
    apply_together(products, backend_.pool());
    for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t j = 0; j < H; ++j)
            x_[j] += choices[k].weight * down_[k * H + j];
    }
}

} // namespace

Result<std::unique_ptr<Backend>> create_cpu_backend(std::shared_ptr<const model::ModelFiles> files,
                                                    const CpuOptions& options) {
    auto weights = prepare_cpu_weights(*files);
    if (!weights) return std::unexpected(weights.error());
    return std::make_unique<CpuBackend>(std::move(files), std::move(*weights), options.threads);
}

} // namespace hearth::cpu
