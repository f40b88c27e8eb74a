#include "cuda_sequence.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "backend/append_checks.h"
#include "backend/cache_window.h"
#include "backend/device_sampling.h"
#include "backend/gib_text.h"
#include "backend/kernel_profile.h"
#include "backend/kv_cache_layout.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "backend/weight_packing.h"
#include "kernel_args.h"
#include "kernel_names.h"
#include "kernels/launch_shapes.h"

namespace hearth::cuda {
namespace {

namespace ka = kernel_args;
using gpu::DispatchLabel;
using gpu::StepOutput;

// Prefill runs the prompt through the batch graph this many tokens at a time (all but the last
// token, which the step with logits takes): whole token tiles of the matmuls. With 4 of 32
// experts a token, 256 tokens give an expert about a tile (32) of entries, so each tile's
// weights are read once for a full tile of tokens (Vulkan measured 256 against 128 and 512).
constexpr std::uint32_t batch_tokens = 256;
static_assert(batch_tokens % ka::matmul_tile_tokens == 0);
// A batch writes its keys and values into a sliding layer's ring before its first token reads
// the window before it: past the slack, the last would overwrite the first's.
static_assert(batch_tokens <= sliding_rewind_slack + 1);

// Memory a context must leave free on the device (the driver, graphs, other programs' growth).
constexpr std::uint64_t context_headroom_bytes = 64ull << 20;

unsigned blocks_for(std::uint64_t items, std::uint64_t per_block) {
    return static_cast<unsigned>((items + per_block - 1) / per_block);
}

// The decode step that draws, captured twice so that the host can queue one while the other runs
// (a step ahead): each with its draw and the id it picks, on the device and in its mailbox (the
// draw, then the id).
struct SamplingStep {
    std::optional<CapturedGraph> graph;
    DeviceBuffer draw, picked;
    HostMailbox mailbox;
};
constexpr std::size_t mailbox_picked_at = sizeof(ka::SampleDraw);

struct LayerCache {
    std::uint32_t capacity = 0; // positions; a ring for sliding layers
    DeviceBuffer keys, values;  // [capacity][kv heads] rows (kv_cache.cuh)
};

class CudaSequence final : public Sequence {
  public:
    CudaSequence(CudaModel& model, std::uint32_t max_positions)
        : model_(model), device_(*model.device), config_(model.files->config),
          max_positions_(max_positions) {}
    CudaSequence(const CudaSequence&) = delete;
    CudaSequence& operator=(const CudaSequence&) = delete;
    // Its buffers must outlive its work still running (a step ahead, or one a failure left
    // queued); a failure there is past reporting.
    ~CudaSequence() override { (void)device_.synchronize(); }

    Result<void> prepare();
    std::uint32_t length() const override { return length_; }
    std::uint32_t capacity() const override { return max_positions_; }
    Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) override;
    std::uint32_t truncate(std::uint32_t keep) override;
    Result<void> save_rewind_point() override;
    bool samples_on_device(const SamplingSettings& settings) const override {
        return gpu::device_can_sample(settings);
    }
    Result<void> exclude_from_sampling(const std::vector<bool>& excluded) override;
    Result<std::int32_t> append_and_sample(std::span<const std::int32_t> tokens,
                                           const SamplingSettings& settings, float random,
                                           std::optional<float> next_random) override;
    std::uint64_t steps_found_ahead() const override { return steps_found_ahead_; }
    bool times_kernels() const override { return true; }
    Result<std::vector<KernelProfile>> profile_step(std::int32_t token) override;
    Result<std::vector<KernelProfile>> profile_batch(std::span<const std::int32_t> tokens) override;
    std::uint32_t profile_batch_limit() const override { return batch_tokens; }

  private:
    // A step or a batch captured with its launches timed (on first use), and what each launch is.
    struct ProfiledGraph {
        std::optional<TimedGraph> timed;
        std::vector<DispatchLabel> labels;
    };
    // Every buffer but the caches, with its size in bytes; and one layer's keys (or values).
    std::vector<std::pair<DeviceBuffer*, std::uint64_t>> planned_buffers();
    std::uint64_t cache_bytes(std::uint32_t layer) const;
    // Bytes of one position's keys (or values): a row per KV head.
    std::uint64_t cache_position_bytes() const;
    // Copies the rows of the window before the rewind point out of the rings, or back in.
    Result<void> copy_rewind_point(bool into_rings);
    Result<void> allocate();
    // A one-token step; a sampled one draws with sampling step `slot`'s draw and id.
    Result<void> record(StepOutput output, std::uint32_t slot = 0);
    Result<void> record_sampling(const SamplingStep& step);
    // Runs `tokens` at the next positions through the batch graph, batch_tokens at a time.
    Result<void> run_batches(std::span<const std::int32_t> tokens);
    // Queues sampling step `slot` drawing with `draw`: over `token` at the next position, or
    // (none) over the token the step queued before it picks, at the position after that. Its id
    // comes to its mailbox.
    Result<void> queue_sampling(std::uint32_t slot, const ka::SampleDraw& draw,
                                std::optional<std::int32_t> token);
    // Waits for sampling step `slot`: the sequence is a position longer, and the id it drew.
    Result<std::int32_t> finish_sampling(std::uint32_t slot);
    // Waits for the step ahead, if any, and forgets it: what runs next is the caller's own.
    Result<void> settle();
    Result<void> record_batch();
    Result<void> record_layer(std::uint32_t layer, bool batched);
    // Launches `kernel`, named by `label` in a profile being captured.
    template <typename... Args>
    Result<void> launch(const DispatchLabel& label, std::string_view kernel, LaunchShape shape,
                        Args... args) {
        if (profile_labels_) profile_labels_->push_back(label);
        return device_.launch(kernel, shape, args...);
    }
    // One token's matvec (matvec.cuh) or a batch's matmul (matmul.cuh) over `projection`, named
    // `label` in a profile.
    Result<void> product(const CudaProjection& projection, std::uint32_t mode, bool batched,
                         const DeviceBuffer& x, const DeviceBuffer& y, std::uint32_t rows,
                         std::uint32_t cols, std::string_view label);
    ka::MatVecArgs product_args(std::uint32_t rows, std::uint32_t cols) const;
    LaunchShape matvec_shape(std::uint32_t rows, std::uint32_t mode) const; // one token's
    DispatchLabel product_label(const CudaProjection& projection, std::uint32_t mode, bool batched,
                                std::string_view label) const;
    // Whether one token's expert products over `projection` read int8 x: with int_dot, for the
    // formats of 32-value blocks.
    bool takes_int8(const CudaProjection& projection) const;
    // One token's expert product: over f32 x, or where the weight takes int8 x, over x
    // quantized into int8_x_codes_ and int8_x_scales_ first.
    Result<void> expert_product(const CudaProjection& projection, std::uint32_t mode,
                                const DeviceBuffer& x, const DeviceBuffer& y, std::uint32_t rows,
                                std::uint32_t cols, std::string_view label);
    // Runs a graph over `tokens` at the next positions, reading back the logits when asked.
    Result<void> run(const CapturedGraph& graph, std::span<const std::int32_t> tokens,
                     std::span<float> logits);
    // Captures `profiled` from `record` on first use, runs `tokens` through it at the next
    // positions, and sums the device time per kernel. The tokens are held once they ran, even
    // if reading the times then fails.
    Result<std::vector<KernelProfile>> run_profiled(ProfiledGraph& profiled,
                                                    const std::function<Result<void>()>& record,
                                                    std::span<const std::int32_t> tokens);

    CudaModel& model_;
    CudaDevice& device_;
    const model::ModelConfig& config_;
    std::uint32_t max_positions_;
    std::uint32_t length_ = 0;
    RingReach rings_;
    // Activations, a row per token of a batch (batch_tokens rows). qkv_: a token's queries,
    // keys and values, one after another (the fused projection's rows); expert rows: per token
    // per slot. step_: the StepHeader and token ids the graphs read (kernel_args.h).
    DeviceBuffer x_, h_, qkv_, attention_, router_logits_, route_, expert_activations_;
    DeviceBuffer expert_groups_, expert_down_; // a batch's tokens per expert, and its down rows
    // With int_dot, one token's expert input as int8 codes, four to a word (gate/up's row, or
    // down's row per slot), and their scales, one per 32 values (quantize_q8.cuh).
    DeviceBuffer int8_x_codes_, int8_x_scales_;
    DeviceBuffer step_, rope_table_, logits_;
    // Sampling on the device: excluded ids (a bit each) and the chunks' partial results.
    DeviceBuffer excluded_, sample_partials_;
    std::array<SamplingStep, 2> sampling_steps_;
    std::optional<gpu::StepAhead> ahead_;
    std::uint64_t steps_found_ahead_ = 0;
    DeviceBuffer attention_partials_; // [token][head][split][head_dim + 2], reused by each layer
    std::vector<LayerCache> caches_;
    std::optional<std::uint32_t> rewind_point_; // its position
    DeviceBuffer rewind_rows_;                  // its copy of the rings' windows
    std::vector<std::byte> step_bytes_;         // what run() and queue_sampling() copy into step_
    std::optional<CapturedGraph> step_graph_, step_with_logits_graph_, batch_graph_;
    ProfiledGraph profiled_step_, profiled_batch_;
    std::vector<DispatchLabel>* profile_labels_ = nullptr; // while a profiled graph is captured
};

std::vector<std::pair<DeviceBuffer*, std::uint64_t>> CudaSequence::planned_buffers() {
    const auto& c = config_;
    const std::uint64_t K = c.experts_per_token, B = batch_tokens, f32 = 4;
    const std::uint64_t int8_x_values =
        std::max<std::uint64_t>(c.hidden_size, K * c.expert_hidden_size);
    return {
        {&x_, B * c.hidden_size * f32},
        {&h_, B * c.hidden_size * f32},
        {&qkv_, B * (c.q_size() + 2 * std::uint64_t{c.kv_size()}) * f32},
        {&attention_, B * c.q_size() * f32},
        {&router_logits_, B * c.expert_count * f32},
        {&route_, B * 2 * K * 4},
        {&expert_activations_, B * K * c.expert_hidden_size * f32},
        {&expert_groups_, c.expert_count * (1 + B) * 4},
        {&expert_down_, B * K * c.hidden_size * f32},
        {&int8_x_codes_, model_.int_dot ? int8_x_values : 0},
        {&int8_x_scales_, model_.int_dot ? int8_x_values / 32 * f32 : 0},
        {&rope_table_, std::uint64_t{max_positions_} * c.head_dim * f32},
        // A token's splits, or a batch's tokens' (fewer each).
        {&attention_partials_,
         std::max(B * gpu::max_prefill_attention_splits, std::uint64_t{gpu::max_attention_splits}) *
             c.head_count * (c.head_dim + std::uint64_t{2}) * f32},
        {&logits_, c.vocab_size * f32},
        {&step_, sizeof(ka::StepHeader) + B * 4},
        {&excluded_, (c.vocab_size + 31) / 32 * 4},
        {&sampling_steps_[0].draw, sizeof(ka::SampleDraw)},
        {&sampling_steps_[1].draw, sizeof(ka::SampleDraw)},
        // The chunks, then sample_cut's header.
        {&sample_partials_, (gpu::sample_args(c.vocab_size).groups + 1) * 4 * f32},
        {&sampling_steps_[0].picked, 4},
        {&sampling_steps_[1].picked, 4},
        // A rewind point's copy of the rings' windows (with the context, so that the fit is
        // known when the context is made, not at a chat's first answer).
        {&rewind_rows_, rewind_point_bytes(c, gpu::layer_cache_capacities(c, max_positions_),
                                           max_positions_, cache_position_bytes())},
    };
}

std::uint64_t CudaSequence::cache_position_bytes() const {
    return gpu::kv_cache_position_bytes(model_.kv_format, config_);
}

std::uint64_t CudaSequence::cache_bytes(std::uint32_t layer) const {
    return std::uint64_t{gpu::layer_cache_capacity(config_, layer, max_positions_)} *
           cache_position_bytes();
}

Result<void> CudaSequence::allocate() {
    for (auto [target, bytes] : planned_buffers()) {
        auto made = device_.allocate(bytes);
        if (!made) return std::unexpected(made.error());
        *target = std::move(*made);
    }
    step_bytes_.resize(step_.size_bytes());
    if (auto r = exclude_from_sampling({}); !r) return r;
    // Until a caller draws, the app's default draw: what a profiled step samples with.
    const auto default_draw = gpu::sample_draw(SamplingSettings{}, 0.5f);
    for (auto& step : sampling_steps_) {
        auto mailbox = device_.create_mailbox(mailbox_picked_at + sizeof(std::uint32_t));
        if (!mailbox) return std::unexpected(mailbox.error());
        step.mailbox = std::move(*mailbox);
        if (auto r = device_.upload(step.draw, std::as_bytes(std::span(&default_draw, 1))); !r) {
            return r;
        }
    }
    const auto table = gpu::rope_table(config_, max_positions_);
    if (auto r = device_.upload(rope_table_, std::as_bytes(std::span(table))); !r) return r;

    for (std::uint32_t layer = 0; layer < config_.layer_count; ++layer) {
        LayerCache cache;
        cache.capacity = gpu::layer_cache_capacity(config_, layer, max_positions_);
        auto keys = device_.allocate(cache_bytes(layer));
        if (!keys) return std::unexpected(keys.error());
        auto values = device_.allocate(cache_bytes(layer));
        if (!values) return std::unexpected(values.error());
        cache.keys = std::move(*keys);
        cache.values = std::move(*values);
        caches_.push_back(std::move(cache));
    }
    return {};
}

Result<void> CudaSequence::prepare() {
    auto free_bytes = device_.free_memory();
    if (!free_bytes) return std::unexpected(free_bytes.error());
    std::uint64_t needed = 0;
    for (auto [buffer, bytes] : planned_buffers())
        needed += bytes;
    for (std::uint32_t layer = 0; layer < config_.layer_count; ++layer)
        needed += 2 * cache_bytes(layer);
    if (needed + context_headroom_bytes > *free_bytes) {
        return fail("The GPU has no room for a context of " + std::to_string(max_positions_) +
                        " tokens; choose a shorter context",
                    "the context needs " + gib_text(needed) + " and " + gib_text(*free_bytes) +
                        " is free");
    }
    if (auto r = allocate(); !r) return r;
    // Decoding replays a graph captured once; the position and tokens come from step_.
    for (auto [target, output, slot] : {std::tuple{&step_graph_, StepOutput::none, 0u},
                                        {&step_with_logits_graph_, StepOutput::logits, 0u},
                                        {&sampling_steps_[0].graph, StepOutput::sampled, 0u},
                                        {&sampling_steps_[1].graph, StepOutput::sampled, 1u}}) {
        auto graph = device_.capture([&] { return record(output, slot); });
        if (!graph) return std::unexpected(graph.error());
        target->emplace(std::move(*graph));
    }
    auto batch = device_.capture([&] { return record_batch(); });
    if (!batch) return std::unexpected(batch.error());
    batch_graph_.emplace(std::move(*batch));
    return {};
}

LaunchShape CudaSequence::matvec_shape(std::uint32_t rows, std::uint32_t mode) const {
    LaunchShape shape{shapes::matvec_blocks(rows), 1, 1, shapes::matvec_warps * 32};
    if (mode == ka::matvec_expert_gate_up) shape.grid_z = config_.experts_per_token; // the slots
    return shape;
}

ka::MatVecArgs CudaSequence::product_args(std::uint32_t rows, std::uint32_t cols) const {
    const auto& c = config_;
    // CUDA's products take their input normalized already: no norm epsilon.
    return {cols, rows, c.experts_per_token, c.swiglu_limit, c.expert_count, batch_tokens, 0.0f};
}

DispatchLabel CudaSequence::product_label(const CudaProjection& projection, std::uint32_t mode,
                                          bool batched, std::string_view label) const {
    const auto& m = projection.matrix;
    const bool experts = mode == ka::matvec_expert_gate_up_grouped ||
                         mode == ka::matvec_expert_down_grouped ||
                         mode == ka::matvec_expert_gate_up || mode == ka::matvec_expert_down_add;
    return {label, gpu::product_read_bytes(config_, m.codes.size_bytes() + m.scales.size_bytes(),
                                           experts, batched)};
}

Result<void> CudaSequence::product(const CudaProjection& projection, std::uint32_t mode,
                                   bool batched, const DeviceBuffer& x, const DeviceBuffer& y,
                                   std::uint32_t rows, std::uint32_t cols, std::string_view label) {
    const auto& c = config_;
    const auto args = product_args(rows, cols);
    const auto& m = projection.matrix;
    const bool grouped =
        mode == ka::matvec_expert_gate_up_grouped || mode == ka::matvec_expert_down_grouped;
    const auto named = product_label(projection, mode, batched, label);
    if (batched) {
        // Tiles of rows by tiles of the step's tokens, or (grouped) per expert of its entries.
        const LaunchShape shape{blocks_for(rows, gpu::matmul_tile_outputs(mode)),
                                grouped ? c.expert_count : 1u,
                                batch_tokens / ka::matmul_tile_tokens, ka::matmul_invocations};
        const DeviceBuffer& route = grouped ? expert_groups_ : step_;
        return launch(named, matmul_kernel_name(m.format, mode), shape, m.codes.address(),
                      m.scales.address(), projection.bias.address(), x.address(), y.address(),
                      route.address(), args);
    }
    return launch(named, matvec_kernel_name(m.format, mode), matvec_shape(rows, mode),
                  m.codes.address(), m.scales.address(), projection.bias.address(), x.address(),
                  y.address(), route_.address(), args);
}

bool CudaSequence::takes_int8(const CudaProjection& projection) const {
    return model_.int_dot && gpu::is_block_format(projection.matrix.format);
}

Result<void> CudaSequence::expert_product(const CudaProjection& projection, std::uint32_t mode,
                                          const DeviceBuffer& x, const DeviceBuffer& y,
                                          std::uint32_t rows, std::uint32_t cols,
                                          std::string_view label) {
    if (!takes_int8(projection)) return product(projection, mode, false, x, y, rows, cols, label);
    // x's rows: gate/up's one, or down's one per slot.
    const std::uint32_t x_rows = mode == ka::matvec_expert_gate_up ? 1 : config_.experts_per_token;
    if (auto r = launch({"quantize q8"}, "quantize_q8", {x_rows, 1, 1, shapes::quantize_block},
                        x.address(), int8_x_codes_.address(), int8_x_scales_.address(),
                        ka::RmsNormArgs{cols, 0.0f});
        !r) {
        return r;
    }
    const auto& m = projection.matrix;
    return launch(product_label(projection, mode, false, label),
                  matvec_kernel_name(m.format, mode, true), matvec_shape(rows, mode),
                  m.codes.address(), m.scales.address(), projection.bias.address(),
                  int8_x_codes_.address(), int8_x_scales_.address(), y.address(), route_.address(),
                  product_args(rows, cols));
}

Result<void> CudaSequence::record(StepOutput output, std::uint32_t slot) {
    const auto& c = config_;
    const auto& w = model_.weights;
    const ka::EmbedArgs embed{c.hidden_size};
    if (auto r = launch({"embed"}, "embed_" + format_kernel_suffix(w.embedding.format),
                        {blocks_for(c.hidden_size, shapes::embed_block), 1, 1, shapes::embed_block},
                        w.embedding.codes.address(), w.embedding.scales.address(), step_.address(),
                        x_.address(), embed);
        !r) {
        return r;
    }
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        if (auto r = record_layer(layer, false); !r) return r;
    }
    if (output == StepOutput::none) return {};
    const ka::RmsNormArgs norm{c.hidden_size, c.rms_norm_eps};
    if (auto r = launch({"rms_norm"}, "f32_rms_norm", {1, 1, 1, shapes::rms_norm_block},
                        x_.address(), w.final_norm.address(), h_.address(), norm);
        !r) {
        return r;
    }
    if (auto r = product(w.unembedding, ka::matvec_project, false, h_, logits_, c.vocab_size,
                         c.hidden_size, "matvec unembedding");
        !r) {
        return r;
    }
    return output == StepOutput::sampled ? record_sampling(sampling_steps_[slot]) : Result<void>{};
}

Result<void> CudaSequence::record_sampling(const SamplingStep& step) {
    const auto args = gpu::sample_args(config_.vocab_size);
    for (const auto& [kernel, shape] :
         {std::pair{"sample_partials", LaunchShape{args.groups, 1, 1, ka::sample_group_size}},
          std::pair{"sample_cut", LaunchShape{1, 1, 1, ka::sample_cut_max_group_size}},
          std::pair{"sample_kept", LaunchShape{args.groups, 1, 1, ka::sample_group_size}}}) {
        if (auto r = launch({"sample"}, kernel, shape, logits_.address(), excluded_.address(),
                            step.draw.address(), sample_partials_.address(), args);
            !r) {
            return r;
        }
    }
    return launch({"sample"}, "sample_pick", {1, 1, 1, ka::sample_group_size}, logits_.address(),
                  excluded_.address(), step.draw.address(), sample_partials_.address(),
                  step.picked.address(), step_.address(), args);
}

// The prompt's tokens but its last, batch_tokens at a time: their keys and values go into the
// caches, nothing is read back.
Result<void> CudaSequence::record_batch() {
    const auto& c = config_;
    const auto& w = model_.weights;
    const ka::EmbedArgs embed{c.hidden_size};
    if (auto r = launch(
            {"embed"}, "embed_" + format_kernel_suffix(w.embedding.format),
            {blocks_for(c.hidden_size, shapes::embed_block), batch_tokens, 1, shapes::embed_block},
            w.embedding.codes.address(), w.embedding.scales.address(), step_.address(),
            x_.address(), embed);
        !r) {
        return r;
    }
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        if (auto r = record_layer(layer, true); !r) return r;
    }
    return {};
}

Result<void> CudaSequence::record_layer(std::uint32_t layer, bool batched) {
    const auto& c = config_;
    const auto& l = model_.weights.layers[layer];
    const auto& cache = caches_[layer];
    const std::uint32_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size();
    const std::uint32_t tokens = batched ? batch_tokens : 1;
    const std::string cache_type = kv_cache_kernel_suffix(model_.kv_format);
    const auto args =
        gpu::layer_kernel_args(c, layer, cache.capacity, batch_tokens, ka::matmul_tile_tokens);
    // A batch's tokens each split their attention fewer ways: they fill the GPU between them.
    const auto& attention = batched ? args.prefill_attention : args.attention;
    const auto& combine = batched ? args.prefill_combine : args.combine;
    const unsigned head_dim = c.head_dim;

    Result<void> r = launch({"rms_norm"}, "f32_rms_norm", {tokens, 1, 1, shapes::rms_norm_block},
                            x_.address(), l.attn_norm.address(), h_.address(), args.norm);
    if (r) {
        r = product(l.qkv, ka::matvec_project, batched, h_, qkv_, Q + 2 * KV, H,
                    batched ? "matmul q/k/v" : "matvec q/k/v");
    }
    if (r) {
        r = launch({"rope + kv write"}, "rope_kv_write_" + cache_type,
                   {c.head_count + c.kv_head_count, tokens, 1, shapes::rope_block}, qkv_.address(),
                   rope_table_.address(), cache.keys.address(), cache.values.address(),
                   step_.address(), args.rope, head_dim);
    }
    // A batch takes the tiled kernel where it has one for the head size; one token, or other
    // head sizes, attention_decode per token.
    const bool tiled =
        batched && std::ranges::find(shapes::prefill_attention_head_dims, head_dim) !=
                       std::end(shapes::prefill_attention_head_dims);
    if (r && tiled) {
        const unsigned rows = tokens * (c.head_count / c.kv_head_count);
        r = launch({"attention prefill"},
                   "attention_prefill_" + cache_type + "_" + std::to_string(head_dim),
                   {c.kv_head_count, blocks_for(rows, shapes::prefill_attention_rows),
                    attention.splits, shapes::prefill_attention_rows},
                   qkv_.address(), cache.keys.address(), cache.values.address(),
                   attention_partials_.address(), step_.address(), attention);
    } else if (r) {
        // A batch's tokens attend to different ranges: no bytes counted for them.
        const DispatchLabel label = batched
                                        ? DispatchLabel{"attention"}
                                        : DispatchLabel{"attention", 0, static_cast<int>(layer)};
        r = launch(label, "attention_decode_" + cache_type,
                   {c.kv_head_count,
                    tokens * shapes::attention_head_chunks(c.head_count / c.kv_head_count),
                    attention.splits, shapes::attention_block},
                   qkv_.address(), cache.keys.address(), cache.values.address(),
                   attention_partials_.address(), step_.address(), attention, head_dim);
    }
    if (r) {
        r = launch({"attention combine"}, "attention_combine",
                   {c.head_count, tokens, 1, shapes::combine_block}, attention_partials_.address(),
                   l.sinks.address(), attention_.address(), combine, head_dim);
    }
    if (r) {
        r = product(l.out, ka::matvec_project_add, batched, attention_, x_, H, Q,
                    batched ? "matmul attention out" : "matvec attention out");
    }
    if (r) {
        r = launch({"rms_norm"}, "f32_rms_norm", {tokens, 1, 1, shapes::rms_norm_block},
                   x_.address(), l.mlp_norm.address(), h_.address(), args.norm);
    }
    if (r) {
        r = product(l.router, ka::matvec_project, batched, h_, router_logits_, c.expert_count, H,
                    batched ? "matmul router" : "matvec router");
    }
    if (r) {
        r = launch({"route experts"}, "route_experts", {tokens, 1, 1, shapes::route_block},
                   router_logits_.address(), route_.address(), args.route);
    }
    if (!r) return r;
    if (!batched) {
        r = expert_product(l.gate_up, ka::matvec_expert_gate_up, h_, expert_activations_,
                           c.expert_hidden_size, H, "matvec experts gate/up");
        if (r) {
            r = expert_product(l.down, ka::matvec_expert_down_add, expert_activations_, x_, H,
                               c.expert_hidden_size, "matvec experts down");
        }
        return r;
    }
    // Each expert's weights are read once for all the batch's tokens that chose it.
    r = launch({"group experts"}, "group_experts", {1, 1, 1, shapes::route_block}, route_.address(),
               expert_groups_.address(), step_.address(), args.groups);
    if (r) {
        r = product(l.gate_up, ka::matvec_expert_gate_up_grouped, true, h_, expert_activations_,
                    c.expert_hidden_size, H, "matmul experts gate/up");
    }
    if (r) {
        r = product(l.down, ka::matvec_expert_down_grouped, true, expert_activations_, expert_down_,
                    H, c.expert_hidden_size, "matmul experts down");
    }
    if (r) {
        r = launch(
            {"combine experts"}, "expert_combine",
            {blocks_for(H, shapes::expert_combine_block), tokens, 1, shapes::expert_combine_block},
            expert_down_.address(), route_.address(), x_.address(), step_.address(),
            args.combine_experts);
    }
    return r;
}

Result<void> CudaSequence::append(std::span<const std::int32_t> tokens, std::span<float> logits) {
    if (auto ok = check_append(config_, tokens, logits, length_, max_positions_); !ok) return ok;
    if (auto settled = settle(); !settled) return settled;
    if (auto ran = run_batches(tokens.first(tokens.size() - 1)); !ran) return ran;
    return run(logits.empty() ? *step_graph_ : *step_with_logits_graph_, tokens.last(1), logits);
}

Result<void> CudaSequence::run_batches(std::span<const std::int32_t> tokens) {
    for (std::size_t done = 0; done < tokens.size();) {
        const std::size_t count = std::min<std::size_t>(batch_tokens, tokens.size() - done);
        if (auto ran = run(*batch_graph_, tokens.subspan(done, count), {}); !ran) return ran;
        done += count;
    }
    return {};
}

Result<void> CudaSequence::exclude_from_sampling(const std::vector<bool>& excluded) {
    if (auto settled = settle(); !settled) return settled; // the step ahead reads them
    const auto bits = gpu::exclusion_bits(excluded, config_.vocab_size);
    const auto held = device_.hold_stream();
    Result<void> r = device_.upload_async(excluded_, std::as_bytes(std::span(bits)));
    if (r) r = device_.synchronize();
    return r;
}

Result<std::int32_t> CudaSequence::append_and_sample(std::span<const std::int32_t> tokens,
                                                     const SamplingSettings& settings, float random,
                                                     std::optional<float> next_random) {
    if (auto ok = gpu::check_sampled_append(config_, tokens, length_, max_positions_, settings);
        !ok) {
        return std::unexpected(ok.error());
    }
    const ka::SampleDraw draw = gpu::sample_draw(settings, random);
    std::uint32_t slot = 0;
    if (ahead_ && ahead_->continues(tokens, draw)) {
        slot = ahead_->slot; // already queued: what the caller asks for
        ahead_.reset();
        ++steps_found_ahead_;
    } else {
        if (auto settled = settle(); !settled) return std::unexpected(settled.error());
        if (auto ran = run_batches(tokens.first(tokens.size() - 1)); !ran) {
            return std::unexpected(ran.error());
        }
        if (auto queued = queue_sampling(slot, draw, tokens.back()); !queued) {
            (void)device_.synchronize(); // nothing left running
            return std::unexpected(queued.error());
        }
    }
    // The step ahead writes the position after this one's.
    if (next_random && length_ + 2 <= max_positions_) {
        const ka::SampleDraw next_draw = gpu::sample_draw(settings, *next_random);
        rings_.wrote_until(length_ + 2); // before it can run, whatever happens then
        if (auto queued = queue_sampling(1 - slot, next_draw, std::nullopt); !queued) {
            (void)device_.synchronize();
            return std::unexpected(queued.error());
        }
        ahead_ = gpu::StepAhead{1 - slot, next_draw, std::nullopt};
    }
    auto token = finish_sampling(slot);
    if (token && ahead_) ahead_->token = *token;
    return token;
}

Result<void> CudaSequence::queue_sampling(std::uint32_t slot, const ka::SampleDraw& draw,
                                          std::optional<std::int32_t> token) {
    auto& step = sampling_steps_[slot];
    const auto mailbox = step.mailbox.bytes();
    const auto held = device_.hold_stream(); // the step's calls as one
    Result<void> r{};
    if (token) {
        rings_.wrote_until(length_ + 1); // before it can run, whatever happens then
        const ka::StepHeader header{length_, 1};
        std::memcpy(step_bytes_.data(), &header, sizeof header);
        std::memcpy(step_bytes_.data() + sizeof header, &*token, sizeof *token);
        r = device_.upload_async(step_,
                                 std::span(step_bytes_).first(sizeof header + sizeof *token));
    }
    // The mailbox's draw was last read by this step's previous run, which has finished: the
    // host waited for it, or for the whole stream.
    std::memcpy(mailbox.data(), &draw, sizeof draw);
    if (r) r = device_.upload_async(step.draw, mailbox.first(sizeof draw));
    if (r) r = device_.replay(*step.graph);
    if (r) r = device_.download_async(mailbox.subspan(mailbox_picked_at), step.picked);
    if (r) r = device_.mark_done(step.mailbox);
    return r;
}

Result<std::int32_t> CudaSequence::finish_sampling(std::uint32_t slot) {
    const auto& step = sampling_steps_[slot];
    if (auto waited = device_.wait(step.mailbox); !waited) return std::unexpected(waited.error());
    length_ += 1;
    std::uint32_t picked = 0;
    std::memcpy(&picked, step.mailbox.bytes().data() + mailbox_picked_at, sizeof picked);
    return gpu::drawn_token(picked, config_.vocab_size);
}

Result<void> CudaSequence::settle() {
    if (!ahead_) return {};
    ahead_.reset();
    return device_.synchronize();
}

Result<void> CudaSequence::run(const CapturedGraph& graph, std::span<const std::int32_t> tokens,
                               std::span<float> logits) {
    const ka::StepHeader header{length_, static_cast<std::uint32_t>(tokens.size())};
    const auto held = device_.hold_stream(); // the step's calls as one
    std::memcpy(step_bytes_.data(), &header, sizeof header);
    std::memcpy(step_bytes_.data() + sizeof header, tokens.data(), tokens.size_bytes());
    rings_.wrote_until(length_ + header.count); // before it can run, whatever happens then
    Result<void> r = device_.upload_async(step_, step_bytes_);
    if (r) r = device_.replay(graph);
    if (r && !logits.empty()) r = device_.download_async(std::as_writable_bytes(logits), logits_);
    if (r) r = device_.synchronize();
    if (!r) return r;
    length_ += header.count;
    return {};
}

Result<std::vector<KernelProfile>>
CudaSequence::run_profiled(ProfiledGraph& profiled, const std::function<Result<void>()>& record,
                           std::span<const std::int32_t> tokens) {
    if (auto ok = check_append(config_, tokens, {}, length_, max_positions_); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto settled = settle(); !settled) return std::unexpected(settled.error());
    if (!profiled.timed) {
        // capture_timed runs the recording twice (looking kernels up, then capturing).
        profile_labels_ = &profiled.labels;
        auto timed = device_.capture_timed([&] {
            profiled.labels.clear();
            return record();
        });
        profile_labels_ = nullptr;
        if (!timed) return std::unexpected(timed.error());
        if (timed->launches() != profiled.labels.size()) {
            return fail("CUDA: a profiled graph's launches and their names differ in number");
        }
        profiled.timed.emplace(std::move(*timed));
    }
    const std::uint32_t position = length_;
    if (auto ran = run(profiled.timed->graph(), tokens, {}); !ran) {
        return std::unexpected(ran.error());
    }
    auto times = device_.launch_end_times(*profiled.timed);
    if (!times) return std::unexpected(times.error());
    return gpu::sum_kernel_times(config_, profiled.labels, *times, position,
                                 2 * cache_position_bytes());
}

Result<std::vector<KernelProfile>> CudaSequence::profile_step(std::int32_t token) {
    return run_profiled(
        profiled_step_, [&] { return record(StepOutput::sampled); }, std::span(&token, 1));
}

Result<std::vector<KernelProfile>>
CudaSequence::profile_batch(std::span<const std::int32_t> tokens) {
    if (tokens.size() > batch_tokens) {
        return fail("A profiled batch takes at most " + std::to_string(batch_tokens) + " tokens");
    }
    return run_profiled(
        profiled_batch_, [&] { return record_batch(); }, tokens);
}

std::uint32_t CudaSequence::truncate(std::uint32_t keep) {
    // A device that fails here fails the next run too, which reports it.
    (void)settle();
    length_ = gpu::rewind_layers(config_, max_positions_, length_, rings_, rewind_point_, keep,
                                 [&] { return copy_rewind_point(true).has_value(); });
    return length_;
}

Result<void> CudaSequence::save_rewind_point() {
    if (auto settled = settle(); !settled) return settled;
    return gpu::save_rewind_point(rewind_point_, length_, [&] { return copy_rewind_point(false); });
}

Result<void> CudaSequence::copy_rewind_point(bool into_rings) {
    const std::uint32_t position = *rewind_point_;
    if (position == 0 || config_.sliding_window == 0) return {}; // an empty window
    const auto held = device_.hold_stream();                     // the copies and the wait as one
    for (const auto& copy :
         rewind_point_copies(config_, gpu::layer_cache_capacities(config_, max_positions_),
                             max_positions_, position, cache_position_bytes())) {
        const auto& cache = caches_[copy.layer];
        const DeviceBuffer& ring = copy.values ? cache.values : cache.keys;
        Result<void> r =
            into_rings
                ? device_.copy_async(ring, copy.in_ring, rewind_rows_, copy.in_point, copy.bytes)
                : device_.copy_async(rewind_rows_, copy.in_point, ring, copy.in_ring, copy.bytes);
        if (!r) return r;
    }
    return device_.synchronize();
}

} // namespace

Result<std::unique_ptr<Sequence>> create_cuda_sequence(CudaModel& model,
                                                       std::uint32_t max_positions) {
    auto sequence = std::make_unique<CudaSequence>(model, max_positions);
    if (auto r = sequence->prepare(); !r) return std::unexpected(r.error());
    return sequence;
}

} // namespace hearth::cuda
