// The Vulkan sequence, shared by the two files that make it up: vulkan_sequence.cpp (its buffers,
// running steps, rewinds and profiles) and vulkan_sequence_recording.cpp (what a step's and a
// batch's command lists hold). Only create_vulkan_sequence (vulkan_sequence.h) is for others.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "backend/device_sampling.h"
#include "backend/kernel_profile.h"
#include "backend/kv_cache_layout.h"
#include "kernel_args.h"
#include "vulkan_sequence.h"

namespace hearth::vk {

namespace ka = kernel_args;

// The dispatches of a draw (record_sampling).
constexpr std::uint32_t sampling_dispatches = 4;

using gpu::DispatchLabel;
using gpu::StepOutput;

// The most work items (an expert's next matmul_tile_tokens entries) a batch of `batch_tokens`
// can have in its grouped expert products: every entry, each expert's last tile partly filled.
inline std::uint32_t grouped_work_items(const model::ModelConfig& c, std::uint32_t batch_tokens) {
    constexpr std::uint32_t T = ka::matmul_tile_tokens;
    return (batch_tokens * c.experts_per_token + c.expert_count * (T - 1)) / T;
}

// A dispatch's workgroup counts; an x wider than the device allows folds into y when y is 1.
struct Grid {
    std::uint32_t x = 1, y = 1, z = 1;
};

// What a product reads besides x: the norm's gain to take x through first (one token's matvec),
// or the scales of x's int8 codes (x then being the codes). And what one token's router or
// gate/up writes besides y: int8 codes and their scales for the next product (matvec_body.glsl).
struct MatVecInput {
    const Buffer* gain = nullptr;
    const Buffer* q8_scales = nullptr;
    const Buffer* q8_output_codes = nullptr;
    const Buffer* q8_output_scales = nullptr;
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
    // x as int8 codes for the expert products that take it (q8_block.glsl): the MLP's
    // normalized x for gate/up, then gate/up's output for down; a row per token (and slot). One
    // token's gate/up writes down's into q8_down_codes_ and q8_down_scales_ while it reads these.
    Buffer q8_codes_, q8_scales_, q8_down_codes_, q8_down_scales_;
    Buffer expert_groups_, expert_down_; // a batch's tokens per expert, and its down rows
    // The step's header and token ids (kernel_args.h), which most of a step's kernels read: on
    // the device, not across the bus. Each start writes the host's into step_mailbox_, and
    // header_upload_ (submitted before the step) copies it up; a drawing step moves step_ on
    // itself for the step ahead, which is submitted without the upload.
    Buffer step_, step_mailbox_;
    std::optional<CommandList> header_upload_;
    Buffer rope_table_;
    Buffer attention_partials_; // [token][head][split][head_dim + 2], reused by every layer
    // Counts of work done for the kernels whose last workgroup finishes the work (one token's
    // attention, per KV head; its router; its gate/up's blocks of int8 output), zero between
    // dispatches.
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

} // namespace hearth::vk
