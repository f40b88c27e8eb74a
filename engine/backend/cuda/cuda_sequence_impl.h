// The CUDA sequence, shared by the two files that make it up: cuda_sequence.cpp (its buffers,
// running steps, rewinds and profiles) and cuda_sequence_recording.cpp (what a step's and a
// batch's graphs launch). Only create_cuda_sequence (cuda_sequence.h) is for others.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "backend/cache_window.h"
#include "backend/device_sampling.h"
#include "backend/kernel_profile.h"
#include "backend/kv_cache_layout.h"
#include "backend/layer_kernel_args.h"
#include "cuda_sequence.h"
#include "kernel_args.h"
#include "kernel_names.h"

namespace hearth::cuda {

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
    // A layer's attention, from q/k/v's output (qkv_) to attention_: one token's in one launch
    // where its KV head's query heads fit a block (attention.cuh's attention_step), else RoPE and
    // the cache write, the attention and the merge of its splits apart.
    Result<void> record_attention(std::uint32_t layer, bool batched,
                                  const gpu::LayerKernelArgs& args);
    // Launches `kernel`, named by `label` in a profile being captured.
    template <typename... Args>
    Result<void> launch(const DispatchLabel& label, std::string_view kernel, LaunchShape shape,
                        Args... args) {
        if (profile_labels_) profile_labels_->push_back(label);
        return device_.launch(kernel, shape, args...);
    }
    // One token's matvec (matvec.cuh) or a batch's matmul (matmul.cuh) over `projection`, named
    // `label` in a profile. One token's takes x through the RMSNorm with `gain` where given.
    Result<void> product(const CudaProjection& projection, std::uint32_t mode, bool batched,
                         const DeviceBuffer& x, const DeviceBuffer& y, std::uint32_t rows,
                         std::uint32_t cols, std::string_view label,
                         const DeviceBuffer* gain = nullptr);
    ka::MatVecArgs product_args(std::uint32_t rows, std::uint32_t cols) const;
    // Launches one token's matvec_<format>_<mode> over `projection` and x (matvec_norm_* through
    // the RMSNorm with `gain` where given), with the kernel's parameters after x (and the gain):
    // `rest`.
    template <typename... Rest>
    Result<void> launch_matvec(const DispatchLabel& label, const CudaProjection& projection,
                               std::uint32_t mode, std::uint32_t rows, const DeviceBuffer& x,
                               const DeviceBuffer* gain, Rest... rest) {
        const auto& m = projection.matrix;
        const auto shape = matvec_shape(rows, mode);
        if (gain) {
            return launch(label, matvec_kernel_name(m.format, mode, MatVecX::normalized), shape,
                          m.codes.address(), m.scales.address(), projection.bias.address(),
                          x.address(), gain->address(), rest...);
        }
        return launch(label, matvec_kernel_name(m.format, mode), shape, m.codes.address(),
                      m.scales.address(), projection.bias.address(), x.address(), rest...);
    }
    LaunchShape matvec_shape(std::uint32_t rows, std::uint32_t mode) const; // one token's
    DispatchLabel product_label(const CudaProjection& projection, std::uint32_t mode, bool batched,
                                std::string_view label) const;
    // One token's router over x_ through the MLP's RMSNorm (`gain`): its logits, and the experts
    // its last block chooses into route_ (matvec.cuh's route kernels); `quantizing`, the int8
    // codes of the normalized x too, for gate/up (int8_x_codes_ and int8_x_scales_).
    Result<void> route_token(const CudaProjection& router, const DeviceBuffer& gain,
                             bool quantizing);
    // Whether one token's expert products over `projection` read int8 x: with int_dot, for the
    // formats of 32-value blocks.
    bool takes_int8(const CudaProjection& projection) const;
    // One token's gate/up and down, after its router: over f32 x (gate/up's through the MLP's
    // RMSNorm), or where the weights take int8 x, gate/up over the codes the router wrote and
    // down over the codes gate/up wrote (int8_down_codes_; quantized by a launch of their own
    // when gate/up reads f32 x).
    Result<void> token_experts(const CudaLayer& l);
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
    // With int_dot, one token's expert inputs as int8 codes, four to a word, and their scales,
    // one per 32 values (quantize_q8.cuh): gate/up's row, and down's row per slot.
    DeviceBuffer int8_x_codes_, int8_x_scales_, int8_down_codes_, int8_down_scales_;
    DeviceBuffer step_, rope_table_, logits_;
    // Counts of blocks done, zero between launches: one token's router's (route_token), its
    // attention's splits per KV head (record_attention), and with int_dot its gate/up's rows per
    // slot per 32-row block (token_experts).
    DeviceBuffer router_arrivals_, attention_arrivals_, gate_up_arrivals_;
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

} // namespace hearth::cuda
