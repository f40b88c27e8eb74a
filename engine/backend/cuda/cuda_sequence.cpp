// A CUDA sequence's buffers, and running it: prompts and steps (a step ahead included),
// rewinds and profiles. What its graphs launch: cuda_sequence_recording.cpp.
#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>

#include "backend/append_checks.h"
#include "backend/gib_text.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "cuda_sequence_impl.h"

namespace hearth::cuda {
namespace {

// Memory a context must leave free on the device (the driver, graphs, other programs' growth).
constexpr std::uint64_t context_headroom_bytes = 64ull << 20;

} // namespace

std::vector<std::pair<DeviceBuffer*, std::uint64_t>> CudaSequence::planned_buffers() {
    const auto& c = config_;
    const std::uint64_t K = c.experts_per_token, B = batch_tokens, f32 = 4;
    const std::uint64_t down_x_values = K * c.expert_hidden_size;
    const bool int8 = model_.int_dot;
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
        {&int8_x_codes_, int8 ? c.hidden_size : 0},
        {&int8_x_scales_, int8 ? c.hidden_size / 32 * f32 : 0},
        {&int8_down_codes_, int8 ? down_x_values : 0},
        {&int8_down_scales_, int8 ? down_x_values / 32 * f32 : 0},
        {&gate_up_arrivals_, int8 ? down_x_values / 32 * 4 : 0},
        {&rope_table_, std::uint64_t{max_positions_} * c.head_dim * f32},
        // A token's splits, or a batch's tokens' (fewer each).
        {&attention_partials_,
         std::max(B * gpu::max_prefill_attention_splits, std::uint64_t{gpu::max_attention_splits}) *
             c.head_count * (c.head_dim + std::uint64_t{2}) * f32},
        {&logits_, c.vocab_size * f32},
        {&router_arrivals_, 4},
        {&attention_arrivals_, c.kv_head_count * std::uint64_t{4}},
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
    for (auto* arrivals : {&router_arrivals_, &attention_arrivals_, &gate_up_arrivals_}) {
        const std::vector<std::uint32_t> none(arrivals->size_bytes() / 4, 0);
        if (none.empty()) continue;
        if (auto r = device_.upload(*arrivals, std::as_bytes(std::span(none))); !r) return r;
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

Result<std::unique_ptr<Sequence>> create_cuda_sequence(CudaModel& model,
                                                       std::uint32_t max_positions) {
    auto sequence = std::make_unique<CudaSequence>(model, max_positions);
    if (auto r = sequence->prepare(); !r) return std::unexpected(r.error());
    return sequence;
}

} // namespace hearth::cuda
