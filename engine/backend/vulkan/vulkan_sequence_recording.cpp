// What a Vulkan sequence's recorded command lists hold: a decode step (one token through every
// layer, then the logits or a draw), a prompt's batch, and the dispatches and products in them.
#include <algorithm>
#include <cmath>

#include "backend/layer_kernel_args.h"
#include "vulkan_sequence_impl.h"

namespace hearth::vk {
namespace {

// The smallest maxComputeWorkGroupCount[0] Vulkan allows; larger grids fold into y.
constexpr std::uint32_t max_groups_x = 65535;

template <typename Args>
std::span<const std::byte> bytes_of(const Args& args) {
    return std::as_bytes(std::span(&args, 1));
}

// The pipeline made for `key`. create_forward_pipelines makes every one a recording asks for, so
// a miss is a bug: reported as an error, never thrown.
template <typename Pipelines>
Result<const ComputePipeline*> made_pipeline(const Pipelines& pipelines,
                                             const typename Pipelines::key_type& key,
                                             std::string_view kernel) {
    const auto found = pipelines.find(key);
    if (found == pipelines.end()) {
        return fail("Vulkan: no pipeline was made for the " + std::string(kernel) + " asked for");
    }
    return &found->second;
}

} // namespace

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
    const bool q8_output = input.q8_output_codes && input.q8_output_scales;
    if ((input.q8_output_codes || input.q8_output_scales) &&
        (!q8_output || batched ||
         (mode != ka::matvec_route && mode != ka::matvec_expert_gate_up))) {
        return fail("Vulkan: only one token's router and gate/up write int8 codes and scales");
    }
    // Whole blocks: a block short of 32 values would never complete, and would leave its count
    // in arrivals_ (which other kernels count in too) above zero.
    const std::uint32_t coded = mode == ka::matvec_route ? cols : rows; // x's, or the output's
    if (q8_output && coded % 32 != 0) {
        return fail("Vulkan: int8 codes are written in whole blocks of 32 values");
    }
    if (batched) {
        const std::uint32_t tile_outputs = gpu::matmul_tile_outputs(mode);
        Grid grid{(rows + tile_outputs - 1) / tile_outputs};
        if (grouped) {
            grid.y = grouped_work_items(c, batch_tokens_); // an expert's next entries
        } else {
            grid.z = batch_tokens_ / ka::matmul_tile_tokens;
        }
        const auto pipeline =
            made_pipeline(p.matmul, {m.format, mode, input.q8_scales != nullptr}, kernel);
        if (!pipeline) return std::unexpected(pipeline.error());
        if (input.q8_scales) {
            return dispatch(
                list, **pipeline,
                {&m.codes, &m.scales, &projection.bias, &x, &y, entries, input.q8_scales},
                bytes_of(args), grid, {kernel, bytes});
        }
        return dispatch(list, **pipeline, {&m.codes, &m.scales, &projection.bias, &x, &y, entries},
                        bytes_of(args), grid, {kernel, bytes});
    }
    const std::uint32_t rows_per_group = p.matvec_rows_per_group(mode, m.rows);
    Grid grid{(rows + rows_per_group - 1) / rows_per_group};
    if (mode == ka::matvec_expert_gate_up) grid.z = c.experts_per_token; // the token's slots
    // The gain's binding holds x's scales with int8 x; with neither it is left unread, and x
    // stands in for it, as for the codes and scales out that a product does not write.
    const Buffer* gain_binding = input.gain ? input.gain : input.q8_scales ? input.q8_scales : &x;
    const auto pipeline =
        made_pipeline(p.matvec,
                      {m.format, mode, rows_per_group, input.gain != nullptr,
                       p.matvec_wide_units(m), input.q8_scales != nullptr, q8_output},
                      kernel);
    if (!pipeline) return std::unexpected(pipeline.error());
    return dispatch(list, **pipeline,
                    {&m.codes, &m.scales, &projection.bias, &x, &y, entries, gain_binding,
                     &arrivals_, q8_output ? input.q8_output_codes : &x,
                     q8_output ? input.q8_output_scales : &x},
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
    // Over int8 x, a batch's dispatch that normalizes the MLP's x quantizes it too, and another
    // quantizes gate/up's output for down; one token's router and gate/up write those codes
    // themselves, so its step has no more dispatches than over f32 x.
    const bool norm_apart = batched || separate_norms();
    const bool q8_gate_up = p.takes_q8(l.gate_up.matrix, batched);
    const bool q8_down = p.takes_q8(l.down.matrix, batched);
    const Buffer& down_codes = batched ? q8_codes_ : q8_down_codes_;
    const Buffer& down_scales = batched ? q8_scales_ : q8_down_scales_;
    const auto normalize = [&](const Buffer& gain, bool apart) -> Result<void> {
        if (!apart) return {};
        return dispatch(list, p.rms_norm, {&x_, &gain, &h_}, bytes_of(args.norm), {tokens},
                        {"rms_norm"});
    };
    const auto input_of = [&](const Buffer& gain, bool apart) {
        return MatVecInput{.gain = apart ? nullptr : &gain};
    };
    std::vector<std::function<Result<void>()>> steps = {
        [&] { return normalize(l.attn_norm, norm_apart); },
        [&] {
            return product(list, l.qkv, matvec_project, batched, norm_apart ? h_ : x_, qkv_,
                           Q + 2 * KV, H, batched ? "matmul q/k/v" : "matvec q/k/v",
                           input_of(l.attn_norm, norm_apart));
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
            return q8_gate_up && batched ? quantize(list, x_, tokens, H, &l.mlp_norm)
                                         : normalize(l.mlp_norm, norm_apart);
        },
        [&] {
            // One token's router chooses its experts itself (matvec_body.glsl).
            auto input = input_of(l.mlp_norm, norm_apart);
            if (q8_gate_up && !batched) {
                input.q8_output_codes = &q8_codes_;
                input.q8_output_scales = &q8_scales_;
            }
            return product(list, l.router, batched ? matvec_project : ka::matvec_route, batched,
                           norm_apart ? h_ : x_, router_logits_, c.expert_count, H,
                           batched ? "matmul router" : "matvec router", input);
        },
    };
    // The experts' inputs: gate/up's x (int8 codes, normalized x, or x the products normalize),
    // and down's (int8 codes of gate/up's output, or it).
    const Buffer& gate_up_x = q8_gate_up ? q8_codes_ : norm_apart ? h_ : x_;
    MatVecInput gate_up_input = input_of(l.mlp_norm, norm_apart);
    if (q8_gate_up) gate_up_input = {.q8_scales = &q8_scales_};
    if (q8_down && !batched) {
        gate_up_input.q8_output_codes = &q8_down_codes_;
        gate_up_input.q8_output_scales = &q8_down_scales_;
    }
    const Buffer& down_x = q8_down ? down_codes : expert_activations_;
    const MatVecInput down_input{.q8_scales = q8_down ? &down_scales : nullptr};
    const auto quantize_down = [&]() -> Result<void> {
        if (!q8_down || !batched) return {};
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
                                   down_input);
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
                                                         "matvec experts down", down_input);
                                      },
                                  });
    }
    for (const auto& step : steps) {
        if (auto r = step(); !r) return r;
    }
    return {};
}

std::uint32_t VulkanSequence::dispatches_per_step() const {
    // q/k/v, attention, out, router, gate/up and down, and the two norms where apart, per layer
    // (over int8 x too: its codes come from the router and gate/up); the embedding, the
    // unembedding, and its norm where apart.
    const std::uint32_t per_layer = separate_norms() ? 8 : 6;
    return config_.layer_count * per_layer + (separate_norms() ? 3 : 2);
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
} // namespace hearth::vk
