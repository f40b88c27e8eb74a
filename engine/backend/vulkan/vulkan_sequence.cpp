// A Vulkan sequence's buffers, and running it: prompts and steps (a step ahead included),
// rewinds and profiles. What its command lists hold: vulkan_sequence_recording.cpp.
#include <algorithm>
#include <cstring>

#include "backend/append_checks.h"
#include "backend/layer_kernel_args.h"
#include "backend/rope_table.h"
#include "vk_error.h"
#include "vulkan_sequence_impl.h"

namespace hearth::vk {

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
        {&q8_down_codes_, K * c.expert_hidden_size / 4},
        {&q8_down_scales_, K * c.expert_hidden_size / 32},
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
    // Per KV head (attention), one (the router), per block of 32 of a slot's gate/up output.
    const std::vector<std::uint32_t> no_arrivals(
        std::max<std::size_t>({c.kv_head_count, 1, K * c.expert_hidden_size / 32}), 0);
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
