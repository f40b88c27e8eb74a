#include "vulkan_sequence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <vector>

#include "backend/append_checks.h"
#include "backend/device_sampling.h"
#include "backend/kernel_profile.h"
#include "backend/kv_cache_layout.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "kernel_args.h"
#include "vk_error.h"

namespace hearth::vk {
namespace {

namespace ka = kernel_args;

// The smallest maxComputeWorkGroupCount[0] Vulkan allows; larger grids fold into y.
constexpr std::uint32_t max_groups_x = 65535;

constexpr std::uint32_t sampling_dispatches = 4;

using gpu::DispatchLabel;
using gpu::StepOutput;

// The most work items (an expert's next matmul_tile_tokens entries) a batch of `batch_tokens`
// can have in its grouped expert products: every entry, each expert's last tile partly filled.
std::uint32_t grouped_work_items(const model::ModelConfig& c, std::uint32_t batch_tokens) {
    constexpr std::uint32_t T = ka::matmul_tile_tokens;
    return (batch_tokens * c.experts_per_token + c.expert_count * (T - 1)) / T;
}

// A dispatch's workgroup counts; an x wider than the device allows folds into y when y is 1.
struct Grid {
    std::uint32_t x = 1, y = 1, z = 1;
};

template <typename Args>
std::span<const std::byte> bytes_of(const Args& args) {
    return std::as_bytes(std::span(&args, 1));
}

// What a product reads besides x: the norm's gain to take x through first (one token's matvec),
// or the scales of x's int8 codes (x then being the codes).
struct MatVecInput {
    const Buffer* gain = nullptr;
    const Buffer* q8_scales = nullptr;
};

// The decode step that draws, recorded twice so the host can submit one while the other runs (a
// step ahead): each with the draw the host writes for it and the id it reads back.
struct SamplingStep {
    std::optional<CommandList> commands;
    Buffer draw, picked;
    std::optional<Fence> done;
};

struct LayerCache {
    std::uint32_t capacity = 0; // positions; a ring for sliding layers
    Buffer keys, values;        // [capacity][kv_heads] rows, as kv_format lays them out
};

class VulkanSequence final : public Sequence {
  public:
    VulkanSequence(VulkanModel& model, std::uint32_t max_positions)
        : model_(model), config_(model.files->config), max_positions_(max_positions),
          batch_tokens_(model.batch_tokens) {}
    VulkanSequence(const VulkanSequence&) = delete;
    VulkanSequence& operator=(const VulkanSequence&) = delete;
    // Its buffers must outlive a step still running ahead; a failure there is past reporting.
    ~VulkanSequence() override { (void)settle(); }

    Result<void> prepare();
    std::uint32_t length() const override { return length_; }
    std::uint32_t capacity() const override { return max_positions_; }
    Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) override;
    std::uint32_t truncate(std::uint32_t keep) override;
    Result<void> save_rewind_point() override;

    Result<void> allocate();
    Result<Buffer> buffer(std::size_t floats, MemoryKind kind = MemoryKind::device_local) {
        return model_.device.create_buffer(floats * sizeof(float), kind);
    }
    bool times_kernels() const override { return true; }
    Result<std::vector<KernelProfile>> profile_step(std::int32_t token) override;
    Result<std::vector<KernelProfile>> profile_batch(std::span<const std::int32_t> tokens) override;
    std::uint32_t profile_batch_limit() const override { return batch_tokens_; }
    bool samples_on_device(const SamplingSettings& settings) const override;
    Result<void> exclude_from_sampling(const std::vector<bool>& excluded) override;
    Result<std::int32_t> append_and_sample(std::span<const std::int32_t> tokens,
                                           const SamplingSettings& settings, float random,
                                           std::optional<float> next_random) override;
    std::uint64_t steps_found_ahead() const override { return steps_found_ahead_; }

  private:
    Result<void> allocate_sampling();
    // One token per step, or a batch of up to batch_tokens_; a sampled step draws with
    // sampling_steps_[slot]'s buffers.
    Result<void> record(CommandList& list, StepOutput output, std::uint32_t slot = 0);
    Result<void> record_sampling(CommandList& list, SamplingStep& step);
    // Runs every token but the last in batches, then starts the last with `last_step`, which
    // signals `done`.
    Result<void> start_tokens(std::span<const std::int32_t> tokens, const CommandList& last_step,
                              const Fence& done);
    Result<void> record_batch(CommandList& list);
    // Writes the step's header and tokens (at the next positions) and submits `list` after their
    // upload.
    Result<void> start(const CommandList& list, std::span<const std::int32_t> tokens,
                       const Fence& done);
    // Waits for `done`, then holds the `count` positions the work it signals ran. (start counts
    // them as written.)
    Result<void> finish(const Fence& done, std::uint32_t count);
    Result<void> run(const CommandList& list, std::span<const std::int32_t> tokens);
    // Submits the sampling step after the one running, which draws with `draw`.
    Result<void> step_ahead(std::uint32_t running_slot, const ka::SampleDraw& draw);
    // Waits for the step ahead, if any, and forgets it: what the host writes next is its own.
    Result<void> settle();
    // Copies the rows of the window before the rewind point out of the rings, or back in.
    Result<void> copy_rewind_point(bool into_rings);
    // Bytes of one position's keys (or values): a ring slot.
    std::uint64_t cache_position_bytes() const {
        return gpu::kv_cache_position_bytes(model_.pipelines.kv_format, config_);
    }
    Result<void> record_layer(CommandList& list, std::uint32_t layer, bool batched);
    bool separate_norms() const { return model_.pipelines.tuning.separate_norms; }
    // Dispatches in a recorded step (but sampling's): record_layer()'s per layer, then the
    // embedding and the unembedding.
    std::uint32_t dispatches_per_step() const;
    // Dispatches in the batch recording: record_layer()'s per layer, then the embedding.
    std::uint32_t dispatches_per_batch() const;
    Result<void> dispatch(CommandList& list, const ComputePipeline& pipeline,
                          std::initializer_list<const Buffer*> buffers,
                          std::span<const std::byte> args, Grid grid, const DispatchLabel& label);
    // `count` rows of `cols` values of `rows` into q8_codes_ and q8_scales_ (quantize_q8.comp),
    // taken through the RMSNorm with `gain` first where given (then written to h_ as well).
    Result<void> quantize(CommandList& list, const Buffer& rows, std::uint32_t count,
                          std::uint32_t cols, const Buffer* gain);
    // y from x through `projection`: one token's matvec, or a batch's matmul.
    Result<void> product(CommandList& list, const DeviceProjection& projection, std::uint32_t mode,
                         bool batched, const Buffer& x, Buffer& y, std::uint32_t rows,
                         std::uint32_t cols, std::string_view kernel, MatVecInput input = {});

    VulkanModel& model_;
    const model::ModelConfig& config_;
    std::uint32_t max_positions_;
    std::uint32_t batch_tokens_; // a prompt's tokens per batch recording
    std::uint32_t length_ = 0;
    RingReach rings_;
    std::optional<std::uint32_t> rewind_point_; // its position
    // Its rows in the ring layers: per ring layer, the keys, then the values, of a window of
    // positions each.
    Buffer rewind_rows_;
    std::optional<CommandList> rewind_commands_;
    // Activations, a row per token of a step (batch_tokens_ rows), and what the host writes and
    // reads each step. qkv_: a token's queries, keys and values, one after another (the fused
    // projection's rows); expert rows: per token per slot.
    Buffer x_, h_, qkv_, attention_, router_logits_, route_, expert_activations_;
    // x as int8 codes for the expert products that take it (quantize_q8.comp): the MLP's
    // normalized x for gate/up, then gate/up's output for down; a row per token (and slot).
    Buffer q8_codes_, q8_scales_;
    Buffer expert_groups_, expert_down_; // a batch's tokens per expert, and its down rows
    // The step's header and token ids (kernel_args.h), which most of a step's kernels read: on
    // the device, not across the bus. Each start writes the host's into step_mailbox_, and
    // header_upload_ (submitted before the step) copies it up; a drawing step moves step_ on
    // itself for the step ahead, which is submitted without the upload.
    Buffer step_, step_mailbox_;
    std::optional<CommandList> header_upload_;
    Buffer rope_table_;
    Buffer attention_partials_; // [token][head][split][head_dim + 2], reused by every layer
    // Counts of workgroups done for the kernels whose last workgroup finishes the work (one
    // token's attention, per KV head; its router), zero between dispatches.
    Buffer arrivals_;
    Buffer device_logits_, logits_; // the unembedding writes the first, the host reads the second
    // Sampling on the device: excluded ids (a bit each), the chunks' partial results, and the id
    // drawn (each sampling step copies it for the host).
    Buffer excluded_, sample_partials_, picked_;
    std::vector<LayerCache> caches_;
    std::optional<DescriptorArena> arena_;
    std::optional<CommandList> step_commands_, step_with_logits_commands_, batch_commands_;
    std::array<SamplingStep, 2> sampling_steps_;
    std::optional<gpu::StepAhead> ahead_;
    std::uint64_t steps_found_ahead_ = 0;
    std::optional<Fence> run_done_; // what run() waits for
    // The profiled recording (made on first use): a timestamp after every dispatch.
    struct ProfiledRecording {
        std::optional<CommandList> commands;
        std::optional<TimestampPool> timestamps;
        std::vector<DispatchLabel> labels; // one per dispatch
    };
    // A one-token step and a batch, each with a timestamp after every dispatch (made on first
    // use), and the one being recorded.
    ProfiledRecording profiled_step_, profiled_batch_;
    ProfiledRecording* recording_profile_ = nullptr;
    void begin_profile(CommandList& list);
    Result<std::vector<KernelProfile>>
    run_profiled(ProfiledRecording& profiled, std::uint32_t dispatches,
                 const std::function<Result<void>(CommandList&)>& recorder,
                 std::span<const std::int32_t> tokens);
};

Result<void> VulkanSequence::prepare() {
    if (auto r = allocate(); !r) return r;
    if (auto r = allocate_sampling(); !r) return r;
    // Every dispatch of the seven recordings (one-token steps with nothing, the logits, or the
    // token drawn, twice; the batch; the profiled step, which draws, and batch) has its own
    // descriptor set.
    const std::uint32_t sets =
        5 * dispatches_per_step() + 3 * sampling_dispatches + 2 * dispatches_per_batch();
    auto arena = model_.device.create_descriptor_arena(sets, most_bindings);
    if (!arena) return std::unexpected(arena.error());
    arena_.emplace(std::move(*arena));
    for (auto [target, output] : {std::pair{&step_commands_, StepOutput::none},
                                  std::pair{&step_with_logits_commands_, StepOutput::logits}}) {
        auto list = model_.device.create_command_list();
        if (!list) return std::unexpected(list.error());
        target->emplace(std::move(*list));
        if (auto r = record(**target, output); !r) return r;
    }
    for (std::uint32_t slot = 0; slot < sampling_steps_.size(); ++slot) {
        auto list = model_.device.create_command_list();
        if (!list) return std::unexpected(list.error());
        auto done = model_.device.create_fence();
        if (!done) return std::unexpected(done.error());
        sampling_steps_[slot].commands.emplace(std::move(*list));
        sampling_steps_[slot].done.emplace(std::move(*done));
        if (auto r = record(*sampling_steps_[slot].commands, StepOutput::sampled, slot); !r) {
            return r;
        }
    }
    auto done = model_.device.create_fence();
    if (!done) return std::unexpected(done.error());
    run_done_.emplace(std::move(*done));
    auto upload = model_.device.create_command_list();
    if (!upload) return std::unexpected(upload.error());
    header_upload_.emplace(std::move(*upload));
    if (auto r = header_upload_->begin(); !r) return r;
    header_upload_->barrier(); // over a header the last step read and moved on
    header_upload_->copy(step_mailbox_, 0, step_, 0, step_.size_bytes());
    header_upload_->barrier();
    if (auto r = header_upload_->end(); !r) return r;
    auto list = model_.device.create_command_list();
    if (!list) return std::unexpected(list.error());
    batch_commands_.emplace(std::move(*list));
    return record_batch(*batch_commands_);
}

Result<void> VulkanSequence::allocate() {
    const auto& c = config_;
    const std::size_t K = c.experts_per_token, B = batch_tokens_;
    // What a token quantizes at most: its normalized x, or its slots' gate/up outputs.
    const std::size_t widest_q8_row =
        std::max<std::size_t>(c.hidden_size, K * c.expert_hidden_size);
    const std::pair<Buffer*, std::size_t> activations[] = {
        {&x_, B * c.hidden_size},
        {&h_, B * c.hidden_size},
        {&qkv_, B * (c.q_size() + 2 * std::size_t{c.kv_size()})},
        {&attention_, B * c.q_size()},
        {&router_logits_, B * c.expert_count},
        {&route_, B * 2 * K},
        {&expert_activations_, B * K * c.expert_hidden_size},
        {&expert_groups_, c.expert_count * (1 + B) + 1 + grouped_work_items(c, batch_tokens_)},
        {&expert_down_, B * K * c.hidden_size},
        {&q8_codes_, B * widest_q8_row / 4},
        {&q8_scales_, B * widest_q8_row / 32},
        {&rope_table_, std::size_t{max_positions_} * c.head_dim},
        {&attention_partials_, c.head_count * (c.head_dim + std::size_t{2}) *
                                   std::max(B * gpu::max_prefill_attention_splits,
                                            std::size_t{gpu::max_attention_splits})},
    };
    for (auto [target, floats] : activations) {
        auto made = buffer(floats);
        if (!made) return std::unexpected(made.error());
        *target = std::move(*made);
    }
    const std::vector<std::uint32_t> no_arrivals(std::max(c.kv_head_count, 1u), 0);
    auto arrivals = buffer(no_arrivals.size());
    if (!arrivals) return std::unexpected(arrivals.error());
    arrivals_ = std::move(*arrivals);
    if (auto r = model_.device.upload(arrivals_, 0, std::as_bytes(std::span(no_arrivals))); !r) {
        return r;
    }
    const std::size_t step_bytes = sizeof(ka::StepHeader) + B * sizeof(std::uint32_t);
    auto step = model_.device.create_buffer(step_bytes, MemoryKind::device_local);
    auto mailbox = model_.device.create_buffer(step_bytes, MemoryKind::host_visible);
    auto device_logits = buffer(c.vocab_size);
    if (!device_logits) return std::unexpected(device_logits.error());
    device_logits_ = std::move(*device_logits);
    auto logits = buffer(c.vocab_size, MemoryKind::host_readback);
    if (!step) return std::unexpected(step.error());
    if (!mailbox) return std::unexpected(mailbox.error());
    if (!logits) return std::unexpected(logits.error());
    step_ = std::move(*step);
    step_mailbox_ = std::move(*mailbox);
    logits_ = std::move(*logits);

    const auto table = gpu::rope_table(c, max_positions_);
    if (auto r = model_.device.upload(rope_table_, 0, std::as_bytes(std::span(table))); !r) {
        return r;
    }

    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        LayerCache cache;
        cache.capacity = gpu::layer_cache_capacity(c, layer, max_positions_);
        const std::size_t words = std::size_t{cache.capacity} * c.kv_head_count *
                                  gpu::kv_cache_row_words(model_.pipelines.kv_format, c.head_dim);
        auto keys = buffer(words);
        if (!keys) return std::unexpected(keys.error());
        auto values = buffer(words);
        if (!values) return std::unexpected(values.error());
        cache.keys = std::move(*keys);
        cache.values = std::move(*values);
        caches_.push_back(std::move(cache));
    }
    // A rewind point's copy of the rings' window (with the context, so that the fit is known
    // when the context is made, not at a chat's first answer).
    auto rows = model_.device.create_buffer(
        rewind_point_bytes(c, gpu::layer_cache_capacities(c, max_positions_), max_positions_,
                           cache_position_bytes()),
        MemoryKind::device_local);
    if (!rows) return std::unexpected(rows.error());
    auto list = model_.device.create_command_list();
    if (!list) return std::unexpected(list.error());
    rewind_rows_ = std::move(*rows);
    rewind_commands_.emplace(std::move(*list));
    return {};
}

Result<void> VulkanSequence::allocate_sampling() {
    const auto args = gpu::sample_args(config_.vocab_size);
    const std::size_t exclusion_words = (config_.vocab_size + 31) / 32;
    const std::pair<Buffer*, std::size_t> device_buffers[] = {
        {&excluded_, exclusion_words},
        {&sample_partials_, 4 * (args.groups + 1)}, // the chunks, then sample_cut's header
        {&picked_, 1}};
    for (auto [target, words] : device_buffers) {
        auto made = buffer(words);
        if (!made) return std::unexpected(made.error());
        *target = std::move(*made);
    }
    // Until a caller draws, the app's default draw: what a profiled step samples with.
    const ka::SampleDraw draw_defaults = gpu::sample_draw(SamplingSettings{}, 0.5f);
    for (auto& step : sampling_steps_) {
        auto draw = model_.device.create_buffer(sizeof(ka::SampleDraw), MemoryKind::host_visible);
        if (!draw) return std::unexpected(draw.error());
        auto picked = buffer(1, MemoryKind::host_readback);
        if (!picked) return std::unexpected(picked.error());
        step.draw = std::move(*draw);
        step.picked = std::move(*picked);
        std::memcpy(step.draw.bytes().data(), &draw_defaults, sizeof draw_defaults);
    }
    return exclude_from_sampling({}); // nothing excluded until the caller says
}

Result<void> VulkanSequence::dispatch(CommandList& list, const ComputePipeline& pipeline,
                                      std::initializer_list<const Buffer*> buffers,
                                      std::span<const std::byte> args, Grid grid,
                                      const DispatchLabel& label) {
    auto set =
        arena_->bind(pipeline, std::span<const Buffer* const>(buffers.begin(), buffers.size()));
    if (!set) return std::unexpected(set.error());
    if (grid.x > max_groups_x && grid.y == 1) {
        grid.y = (grid.x + max_groups_x - 1) / max_groups_x;
        grid.x = max_groups_x;
    }
    list.dispatch(pipeline, *set, args, grid.x, grid.y, grid.z);
    list.compute_barrier();
    if (recording_profile_) {
        auto& labels = recording_profile_->labels;
        // Timestamp 0 is the start: a recording with more dispatches than counted for its pool
        // would write past it.
        if (labels.size() + 1 >= recording_profile_->timestamps->capacity()) {
            return fail("Vulkan: a profiled recording has more dispatches than counted");
        }
        labels.push_back(label);
        list.write_timestamp(*recording_profile_->timestamps,
                             static_cast<std::uint32_t>(labels.size()));
    }
    return {};
}

Result<void> VulkanSequence::quantize(CommandList& list, const Buffer& rows, std::uint32_t count,
                                      std::uint32_t cols, const Buffer* gain) {
    const auto& p = model_.pipelines;
    const ka::RmsNormArgs args{cols, config_.rms_norm_eps};
    // Without a norm, rows stand in for the gain and for its output: neither is touched.
    return dispatch(list, gain ? p.quantize_q8_normalized : p.quantize_q8,
                    {&rows, gain ? gain : &rows, gain ? &h_ : &rows, &q8_codes_, &q8_scales_},
                    bytes_of(args), {count}, {"quantize q8"});
}

Result<void> VulkanSequence::product(CommandList& list, const DeviceProjection& projection,
                                     std::uint32_t mode, bool batched, const Buffer& x, Buffer& y,
                                     std::uint32_t rows, std::uint32_t cols,
                                     std::string_view kernel, MatVecInput input) {
    const auto& c = config_;
    const ka::MatVecArgs args{cols,           rows,          c.experts_per_token, c.swiglu_limit,
                              c.expert_count, batch_tokens_, c.rms_norm_eps};
    const auto& m = projection.matrix;
    const bool grouped =
        mode == ka::matvec_expert_gate_up_grouped || mode == ka::matvec_expert_down_grouped;
    const bool experts =
        grouped || mode == ka::matvec_expert_gate_up || mode == ka::matvec_expert_down_add;
    const std::uint64_t bytes =
        gpu::product_read_bytes(c, m.codes.size_bytes() + m.scales.size_bytes(), experts, batched);
    const Buffer* entries = grouped                               ? &expert_groups_
                            : experts || mode == ka::matvec_route ? &route_
                                                                  : &step_;
    const auto& p = model_.pipelines;
    if (input.gain && (batched || mode == ka::matvec_expert_down_add)) {
        return fail("Vulkan: only one token's plain and gate/up products take in a norm");
    }
    if (input.q8_scales && (input.gain || !p.takes_q8(m, batched))) {
        return fail("Vulkan: only MXFP4 and Q8_0 products read int8 x, normalized");
    }
    if (batched) {
        const std::uint32_t tile_outputs = gpu::matmul_tile_outputs(mode);
        Grid grid{(rows + tile_outputs - 1) / tile_outputs};
        if (grouped) {
            grid.y = grouped_work_items(c, batch_tokens_); // an expert's next entries
        } else {
            grid.z = batch_tokens_ / ka::matmul_tile_tokens;
        }
        const auto& pipeline = p.matmul.at({m.format, mode, input.q8_scales != nullptr});
        if (input.q8_scales) {
            return dispatch(
                list, pipeline,
                {&m.codes, &m.scales, &projection.bias, &x, &y, entries, input.q8_scales},
                bytes_of(args), grid, {kernel, bytes});
        }
        return dispatch(list, pipeline, {&m.codes, &m.scales, &projection.bias, &x, &y, entries},
                        bytes_of(args), grid, {kernel, bytes});
    }
    const std::uint32_t rows_per_group = p.matvec_rows_per_group(mode, m.rows);
    Grid grid{(rows + rows_per_group - 1) / rows_per_group};
    if (mode == ka::matvec_expert_gate_up) grid.z = c.experts_per_token; // the token's slots
    // The gain's binding holds x's scales with int8 x; with neither it is left unread, and x
    // stands in for it.
    const Buffer* gain_binding = input.gain ? input.gain : input.q8_scales ? input.q8_scales : &x;
    return dispatch(
        list,
        p.matvec.at({m.format, mode, rows_per_group, input.gain != nullptr, p.matvec_wide_units(m),
                     input.q8_scales != nullptr}),
        {&m.codes, &m.scales, &projection.bias, &x, &y, entries, gain_binding, &arrivals_},
        bytes_of(args), grid, {kernel, bytes});
}

Result<void> VulkanSequence::record(CommandList& list, StepOutput output, std::uint32_t slot) {
    const auto& c = config_;
    const auto& w = model_.weights;
    const auto& p = model_.pipelines;
    if (auto r = list.begin(); !r) return r;
    begin_profile(list);
    const ka::EmbedArgs embed{c.hidden_size};
    if (auto r = dispatch(list, p.embed, {&w.embedding.codes, &w.embedding.scales, &step_, &x_},
                          bytes_of(embed), {(c.hidden_size + 63) / 64}, {"embed"});
        !r) {
        return r;
    }
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        if (auto r = record_layer(list, layer, false); !r) return r;
    }
    if (output != StepOutput::none) {
        if (separate_norms()) {
            const ka::RmsNormArgs norm{c.hidden_size, c.rms_norm_eps};
            if (auto r = dispatch(list, p.rms_norm, {&x_, &w.final_norm, &h_}, bytes_of(norm), {1},
                                  {"rms_norm"});
                !r) {
                return r;
            }
        }
        if (auto r =
                product(list, w.unembedding, ka::matvec_project, false, separate_norms() ? h_ : x_,
                        device_logits_, c.vocab_size, c.hidden_size, "matvec unembedding",
                        {.gain = separate_norms() ? nullptr : &w.final_norm});
            !r) {
            return r;
        }
    }
    if (output == StepOutput::logits) {
        list.barrier();
        list.copy(device_logits_, 0, logits_, 0, logits_.size_bytes());
    }
    if (output == StepOutput::sampled) {
        if (auto r = record_sampling(list, sampling_steps_[slot]); !r) return r;
    }
    list.barrier(); // what the host reads back, and the caches for the next recording
    return list.end();
}

Result<void> VulkanSequence::record_sampling(CommandList& list, SamplingStep& step) {
    const auto& p = model_.pipelines;
    const auto args = gpu::sample_args(config_.vocab_size);
    if (auto r = dispatch(list, p.sample_partials,
                          {&device_logits_, &excluded_, &step.draw, &sample_partials_},
                          bytes_of(args), {args.groups}, {"sample"});
        !r) {
        return r;
    }
    if (auto r = dispatch(list, p.sample_cut,
                          {&device_logits_, &excluded_, &step.draw, &sample_partials_},
                          bytes_of(args), {1}, {"sample"});
        !r) {
        return r;
    }
    if (auto r = dispatch(list, p.sample_kept,
                          {&device_logits_, &excluded_, &step.draw, &sample_partials_},
                          bytes_of(args), {args.groups}, {"sample"});
        !r) {
        return r;
    }
    if (auto r =
            dispatch(list, p.sample_pick,
                     {&device_logits_, &excluded_, &step.draw, &sample_partials_, &picked_, &step_},
                     bytes_of(args), {1}, {"sample"});
        !r) {
        return r;
    }
    list.barrier();
    list.copy(picked_, 0, step.picked, 0, step.picked.size_bytes());
    return {};
}

// The prompt's tokens but its last, batch_tokens_ at a time: their keys and values go into the
// caches, nothing is read back.
Result<void> VulkanSequence::record_batch(CommandList& list) {
    const auto& c = config_;
    const auto& w = model_.weights;
    if (auto r = list.begin(); !r) return r;
    begin_profile(list);
    const ka::EmbedArgs embed{c.hidden_size};
    if (auto r = dispatch(list, model_.pipelines.embed,
                          {&w.embedding.codes, &w.embedding.scales, &step_, &x_}, bytes_of(embed),
                          {(c.hidden_size + 63) / 64, batch_tokens_}, {"embed"});
        !r) {
        return r;
    }
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer) {
        if (auto r = record_layer(list, layer, true); !r) return r;
    }
    list.barrier(); // the caches for the next recording
    return list.end();
}

Result<void> VulkanSequence::record_layer(CommandList& list, std::uint32_t layer, bool batched) {
    const auto& c = config_;
    const auto& l = model_.weights.layers[layer];
    const auto& p = model_.pipelines;
    auto& cache = caches_[layer];
    const std::uint32_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size();
    const auto args =
        gpu::layer_kernel_args(c, layer, cache.capacity, batch_tokens_, ka::matmul_tile_tokens);
    const std::uint32_t tokens = batched ? batch_tokens_ : 1;
    using ka::matvec_project;
    // A batch normalizes the residual rows into h_ in a dispatch of its own, and one token does
    // when tuned to. Otherwise one token's products read x_ and take the norm in, which saves a
    // dispatch and a barrier (matvec_body.glsl).
    // The MLP's norm may be apart for one token alone (ForwardPipelines::mlp_norm_apart). With
    // int8 x for gate/up, the dispatch that normalizes x quantizes it too; with int8 x for down,
    // another quantizes gate/up's output.
    const bool attention_norm_apart = batched || separate_norms();
    const bool mlp_norm_apart = batched || p.mlp_norm_apart(l);
    const bool q8_gate_up = p.takes_q8(l.gate_up.matrix, batched);
    const bool q8_down = p.takes_q8(l.down.matrix, batched);
    const auto q8_input = [&](bool q8) {
        return MatVecInput{.q8_scales = q8 ? &q8_scales_ : nullptr};
    };
    const auto normalize = [&](const Buffer& gain, bool apart) -> Result<void> {
        if (!apart) return {};
        return dispatch(list, p.rms_norm, {&x_, &gain, &h_}, bytes_of(args.norm), {tokens},
                        {"rms_norm"});
    };
    const auto input_of = [&](const Buffer& gain, bool apart) {
        return MatVecInput{.gain = apart ? nullptr : &gain};
    };
    std::vector<std::function<Result<void>()>> steps = {
        [&] { return normalize(l.attn_norm, attention_norm_apart); },
        [&] {
            return product(list, l.qkv, matvec_project, batched, attention_norm_apart ? h_ : x_,
                           qkv_, Q + 2 * KV, H, batched ? "matmul q/k/v" : "matvec q/k/v",
                           input_of(l.attn_norm, attention_norm_apart));
        },
        [&]() -> Result<void> {
            if (batched) {
                if (auto r = dispatch(list, p.rope_kv_write,
                                      {&qkv_, &rope_table_, &cache.keys, &cache.values, &step_},
                                      bytes_of(args.rope), {c.head_count + c.kv_head_count, tokens},
                                      {"rope + kv write"});
                    !r) {
                    return r;
                }
                const std::uint32_t rows = batch_tokens_ * (c.head_count / c.kv_head_count);
                if (auto r =
                        dispatch(list, p.attention_prefill,
                                 {&qkv_, &cache.keys, &cache.values, &attention_partials_, &step_},
                                 bytes_of(args.prefill_attention),
                                 {c.kv_head_count,
                                  (rows + attention_prefill_rows - 1) / attention_prefill_rows,
                                  args.prefill_combine.splits},
                                 {"attention prefill"});
                    !r) {
                    return r;
                }
                return dispatch(list, p.attention_combine,
                                {&attention_partials_, &l.sinks, &attention_, &step_},
                                bytes_of(args.prefill_combine), {c.head_count, batch_tokens_},
                                {"attention combine"});
            }
            // One token's attention writes its key and value into the cache itself, and the
            // last split of each KV head merges them all (attention_decode.comp).
            return dispatch(list, p.attention,
                            {&qkv_, &cache.keys, &cache.values, &attention_partials_, &step_,
                             &l.sinks, &attention_, &arrivals_, &rope_table_},
                            bytes_of(args.attention), {c.kv_head_count, 1, args.attention.splits},
                            {"attention", 0, static_cast<int>(layer)});
        },
        [&] {
            return product(list, l.out, ka::matvec_project_add, batched, attention_, x_, H, Q,
                           batched ? "matmul attention out" : "matvec attention out");
        },
        [&] {
            // With int8 x for gate/up, the dispatch that normalizes x quantizes it too.
            return q8_gate_up ? quantize(list, x_, tokens, H, &l.mlp_norm)
                              : normalize(l.mlp_norm, mlp_norm_apart);
        },
        [&] {
            // One token's router chooses its experts itself (matvec_body.glsl).
            return product(list, l.router, batched ? matvec_project : ka::matvec_route, batched,
                           mlp_norm_apart ? h_ : x_, router_logits_, c.expert_count, H,
                           batched ? "matmul router" : "matvec router",
                           input_of(l.mlp_norm, mlp_norm_apart));
        },
    };
    // The experts' inputs: gate/up's x (int8 codes, normalized x, or x the products normalize),
    // and down's (int8 codes of gate/up's output, quantized by a dispatch of its own, or it).
    const Buffer& gate_up_x = q8_gate_up ? q8_codes_ : mlp_norm_apart ? h_ : x_;
    const MatVecInput gate_up_input =
        q8_gate_up ? q8_input(true) : input_of(l.mlp_norm, mlp_norm_apart);
    const Buffer& down_x = q8_down ? q8_codes_ : expert_activations_;
    const auto quantize_down = [&]() -> Result<void> {
        if (!q8_down) return {};
        return quantize(list, expert_activations_, tokens * c.experts_per_token,
                        c.expert_hidden_size, nullptr);
    };
    if (batched) {
        // Each expert's weights are read once for all the batch's tokens that chose it.
        steps.insert(
            steps.end(),
            {
                [&] {
                    return dispatch(list, p.route_experts, {&router_logits_, &route_},
                                    bytes_of(args.route), {tokens}, {"route experts"});
                },
                [&] {
                    return dispatch(list, p.group_experts, {&route_, &expert_groups_, &step_},
                                    bytes_of(args.groups), {1}, {"group experts"});
                },
                [&] {
                    return product(list, l.gate_up, ka::matvec_expert_gate_up_grouped, true,
                                   gate_up_x, expert_activations_, c.expert_hidden_size, H,
                                   "matmul experts gate/up", gate_up_input);
                },
                quantize_down,
                [&] {
                    return product(list, l.down, ka::matvec_expert_down_grouped, true, down_x,
                                   expert_down_, H, c.expert_hidden_size, "matmul experts down",
                                   q8_input(q8_down));
                },
                [&] {
                    return dispatch(list, p.expert_combine, {&expert_down_, &route_, &x_, &step_},
                                    bytes_of(args.combine_experts), {(H + 63) / 64, tokens},
                                    {"combine experts"});
                },
            });
    } else {
        steps.insert(steps.end(), {
                                      [&] {
                                          return product(list, l.gate_up, ka::matvec_expert_gate_up,
                                                         false, gate_up_x, expert_activations_,
                                                         c.expert_hidden_size, H,
                                                         "matvec experts gate/up", gate_up_input);
                                      },
                                      quantize_down,
                                      [&] {
                                          return product(list, l.down, ka::matvec_expert_down_add,
                                                         false, down_x, x_, H, c.expert_hidden_size,
                                                         "matvec experts down", q8_input(q8_down));
                                      },
                                  });
    }
    for (const auto& step : steps) {
        if (auto r = step(); !r) return r;
    }
    return {};
}

std::uint32_t VulkanSequence::dispatches_per_step() const {
    const auto& p = model_.pipelines;
    // q/k/v, attention, out, router, gate/up and down; the norms where apart; down's quantizing;
    // the embedding, the unembedding, and its norm where apart.
    std::uint32_t count = separate_norms() ? 3 : 2;
    for (const auto& l : model_.weights.layers) {
        count += 6 + (separate_norms() ? 1 : 0) + (p.mlp_norm_apart(l) ? 1 : 0) +
                 (p.takes_q8(l.down.matrix, false) ? 1 : 0);
    }
    return count;
}

std::uint32_t VulkanSequence::dispatches_per_batch() const {
    const auto& p = model_.pipelines;
    // Two norms (the second quantizing x too where gate/up takes int8 x), q/k/v, RoPE and the
    // cache write, attention, its splits merged, out, router, the experts routed, grouped,
    // gate/up, down's quantizing where it takes int8 x, down, then combined; the embedding.
    std::uint32_t count = 1;
    for (const auto& l : model_.weights.layers) {
        count += 13 + (p.takes_q8(l.down.matrix, true) ? 1 : 0);
    }
    return count;
}

Result<void> VulkanSequence::append(std::span<const std::int32_t> tokens, std::span<float> logits) {
    if (auto ok = check_append(config_, tokens, logits, length_, max_positions_); !ok) return ok;
    if (auto settled = settle(); !settled) return settled;
    const bool want_logits = !logits.empty();
    if (auto started = start_tokens(
            tokens, want_logits ? *step_with_logits_commands_ : *step_commands_, *run_done_);
        !started) {
        return started;
    }
    if (auto ran = finish(*run_done_, 1); !ran) return ran;
    if (want_logits) std::memcpy(logits.data(), logits_.bytes().data(), logits.size_bytes());
    return {};
}

Result<void> VulkanSequence::start_tokens(std::span<const std::int32_t> tokens,
                                          const CommandList& last_step, const Fence& done) {
    std::size_t begun = 0;
    while (tokens.size() - begun > 1) {
        const std::size_t count = std::min<std::size_t>(batch_tokens_, tokens.size() - 1 - begun);
        if (auto ran = run(*batch_commands_, tokens.subspan(begun, count)); !ran) return ran;
        begun += count;
    }
    return start(last_step, tokens.subspan(begun), done);
}

bool VulkanSequence::samples_on_device(const SamplingSettings& settings) const {
    return gpu::device_can_sample(settings);
}

Result<void> VulkanSequence::exclude_from_sampling(const std::vector<bool>& excluded) {
    if (auto settled = settle(); !settled) return settled; // the step ahead reads them
    const auto bits = gpu::exclusion_bits(excluded, config_.vocab_size);
    return model_.device.upload(excluded_, 0, std::as_bytes(std::span(bits)));
}

Result<std::int32_t> VulkanSequence::append_and_sample(std::span<const std::int32_t> tokens,
                                                       const SamplingSettings& settings,
                                                       float random,
                                                       std::optional<float> next_random) {
    if (auto ok = gpu::check_sampled_append(config_, tokens, length_, max_positions_, settings);
        !ok) {
        return std::unexpected(ok.error());
    }
    const ka::SampleDraw draw = gpu::sample_draw(settings, random);
    std::uint32_t slot = 0;
    if (ahead_ && ahead_->continues(tokens, draw)) {
        slot = ahead_->slot; // already running what the caller asks for
        ahead_.reset();
        ++steps_found_ahead_;
    } else {
        if (auto settled = settle(); !settled) return std::unexpected(settled.error());
        auto& step = sampling_steps_[slot];
        std::memcpy(step.draw.bytes().data(), &draw, sizeof draw);
        if (auto started = start_tokens(tokens, *step.commands, *step.done); !started) {
            return std::unexpected(started.error());
        }
    }
    // The step ahead writes the position after this one's.
    if (next_random && length_ + 2 <= max_positions_) {
        if (auto ahead = step_ahead(slot, gpu::sample_draw(settings, *next_random)); !ahead) {
            (void)model_.device.wait(*sampling_steps_[slot].done); // nothing left running
            return std::unexpected(ahead.error());
        }
    }
    auto& step = sampling_steps_[slot];
    if (auto ran = finish(*step.done, 1); !ran) return std::unexpected(ran.error());
    std::uint32_t picked;
    std::memcpy(&picked, step.picked.bytes().data(), sizeof picked);
    auto token = gpu::drawn_token(picked, config_.vocab_size);
    if (token && ahead_) ahead_->token = *token;
    return token;
}

Result<void> VulkanSequence::step_ahead(std::uint32_t running_slot, const ka::SampleDraw& draw) {
    const std::uint32_t slot = 1 - running_slot;
    auto& step = sampling_steps_[slot];
    std::memcpy(step.draw.bytes().data(), &draw, sizeof draw);
    // Runs after the step before it (its last barrier), which moves the header on.
    if (auto submitted = model_.device.submit(*step.commands, *step.done); !submitted) {
        return submitted;
    }
    ahead_ = gpu::StepAhead{slot, draw, std::nullopt};
    rings_.wrote_until(length_ + 2);
    return {};
}

Result<void> VulkanSequence::settle() {
    if (!ahead_) return {};
    const std::uint32_t slot = ahead_->slot;
    ahead_.reset();
    return model_.device.wait(*sampling_steps_[slot].done);
}

// Runs a recording over `tokens` (as many as it was recorded for, or fewer) at the next
// positions.
Result<void> VulkanSequence::run(const CommandList& list, std::span<const std::int32_t> tokens) {
    if (auto started = start(list, tokens, *run_done_); !started) return started;
    return finish(*run_done_, static_cast<std::uint32_t>(tokens.size()));
}

Result<void> VulkanSequence::start(const CommandList& list, std::span<const std::int32_t> tokens,
                                   const Fence& done) {
    const ka::StepHeader header{length_, static_cast<std::uint32_t>(tokens.size())};
    std::byte* state = step_mailbox_.bytes().data();
    std::memcpy(state, &header, sizeof header);
    std::memcpy(state + sizeof header, tokens.data(), tokens.size_bytes());
    rings_.wrote_until(length_ + header.count);
    return model_.device.submit({&*header_upload_, &list}, done);
}

Result<void> VulkanSequence::finish(const Fence& done, std::uint32_t count) {
    if (auto ran = model_.device.wait(done); !ran) return ran;
    length_ += count;
    return {};
}

void VulkanSequence::begin_profile(CommandList& list) {
    if (!recording_profile_) return;
    auto& timestamps = *recording_profile_->timestamps;
    list.reset_timestamps(timestamps, timestamps.capacity());
    list.write_timestamp(timestamps, 0);
}

// Records `profiled` with `recorder` on first use (a timestamp after each of its `dispatches`),
// runs `tokens` through it at the next positions, and sums the device time per kernel.
Result<std::vector<KernelProfile>>
VulkanSequence::run_profiled(ProfiledRecording& profiled, std::uint32_t dispatches,
                             const std::function<Result<void>(CommandList&)>& recorder,
                             std::span<const std::int32_t> tokens) {
    const auto& c = config_;
    if (auto ok = check_append(c, tokens, {}, length_, max_positions_); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto settled = settle(); !settled) return std::unexpected(settled.error());
    if (!profiled.commands) {
        auto pool = model_.device.create_timestamp_pool(dispatches + 1);
        if (!pool) return std::unexpected(pool.error());
        auto list = model_.device.create_command_list();
        if (!list) return std::unexpected(list.error());
        profiled.timestamps.emplace(std::move(*pool));
        profiled.labels.clear();
        recording_profile_ = &profiled;
        auto recorded = recorder(*list);
        recording_profile_ = nullptr;
        if (!recorded) return std::unexpected(recorded.error());
        profiled.commands.emplace(std::move(*list));
    }
    const std::uint32_t position = length_;
    if (auto ran = run(*profiled.commands, tokens); !ran) return std::unexpected(ran.error());
    const auto& labels = profiled.labels;
    auto times = profiled.timestamps->read_seconds(static_cast<std::uint32_t>(labels.size()) + 1);
    if (!times) return std::unexpected(times.error());
    // Keys and values: a ring slot each.
    return gpu::sum_kernel_times(c, labels, *times, position, 2 * cache_position_bytes());
}

Result<std::vector<KernelProfile>> VulkanSequence::profile_step(std::int32_t token) {
    return run_profiled(
        profiled_step_, dispatches_per_step() + sampling_dispatches,
        [&](CommandList& list) { return record(list, StepOutput::sampled); }, std::span(&token, 1));
}

Result<std::vector<KernelProfile>>
VulkanSequence::profile_batch(std::span<const std::int32_t> tokens) {
    if (tokens.size() > batch_tokens_) {
        return fail("A profiled batch takes at most " + std::to_string(batch_tokens_) + " tokens");
    }
    return run_profiled(
        profiled_batch_, dispatches_per_batch(),
        [&](CommandList& list) { return record_batch(list); }, tokens);
}

std::uint32_t VulkanSequence::truncate(std::uint32_t keep) {
    // A device that fails here fails the next run too, which reports it.
    (void)settle();
    length_ = gpu::rewind_layers(config_, max_positions_, length_, rings_, rewind_point_, keep,
                                 [&] { return copy_rewind_point(true).has_value(); });
    return length_;
}

Result<void> VulkanSequence::save_rewind_point() {
    if (auto settled = settle(); !settled) return settled;
    return gpu::save_rewind_point(rewind_point_, length_, [&] { return copy_rewind_point(false); });
}

Result<void> VulkanSequence::copy_rewind_point(bool into_rings) {
    const std::uint32_t position = *rewind_point_;
    if (position == 0 || config_.sliding_window == 0) return {}; // an empty window
    auto& list = *rewind_commands_;
    if (auto r = list.begin(); !r) return r;
    list.barrier(); // the steps' writes to the rings
    for (const auto& copy :
         rewind_point_copies(config_, gpu::layer_cache_capacities(config_, max_positions_),
                             max_positions_, position, cache_position_bytes())) {
        auto& cache = caches_[copy.layer];
        Buffer& ring = copy.values ? cache.values : cache.keys;
        if (into_rings) {
            list.copy(rewind_rows_, copy.in_point, ring, copy.in_ring, copy.bytes);
        } else {
            list.copy(ring, copy.in_ring, rewind_rows_, copy.in_point, copy.bytes);
        }
    }
    list.barrier();
    if (auto r = list.end(); !r) return r;
    return model_.device.submit_and_wait(list);
}

} // namespace

Result<std::unique_ptr<Sequence>> create_vulkan_sequence(VulkanModel& model,
                                                         std::uint32_t max_positions) {
    auto sequence = std::make_unique<VulkanSequence>(model, max_positions);
    if (auto r = sequence->prepare(); !r) {
        // A shorter context needs less memory; any other failure (a lost device) says its own.
        if (!is_out_of_device_memory(r.error())) return std::unexpected(r.error());
        return fail("The GPU has no room for a context of " + std::to_string(max_positions) +
                        " tokens; choose a shorter context",
                    r.error().detail);
    }
    return sequence;
}

} // namespace hearth::vk
