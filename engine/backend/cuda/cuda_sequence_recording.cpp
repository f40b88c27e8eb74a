// What a CUDA sequence's captured graphs launch: a decode step (one token through every layer,
// then the logits or a draw), a prompt's batch, and the products in them.
#include <algorithm>

#include "backend/layer_kernel_args.h"
#include "backend/weight_packing.h"
#include "cuda_sequence_impl.h"
#include "kernel_names.h"
#include "kernels/launch_shapes.h"

namespace hearth::cuda {
namespace {

unsigned blocks_for(std::uint64_t items, std::uint64_t per_block) {
    return static_cast<unsigned>((items + per_block - 1) / per_block);
}

} // namespace

LaunchShape CudaSequence::matvec_shape(std::uint32_t rows, std::uint32_t mode) const {
    LaunchShape shape{shapes::matvec_blocks(rows), 1, 1, shapes::matvec_warps * 32};
    if (mode == ka::matvec_expert_gate_up) shape.grid_z = config_.experts_per_token; // the slots
    return shape;
}

ka::MatVecArgs CudaSequence::product_args(std::uint32_t rows, std::uint32_t cols) const {
    const auto& c = config_;
    return {cols,           rows,         c.experts_per_token, c.swiglu_limit,
            c.expert_count, batch_tokens, c.rms_norm_eps};
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
                                   std::uint32_t rows, std::uint32_t cols, std::string_view label,
                                   const DeviceBuffer* gain) {
    const auto& c = config_;
    const auto args = product_args(rows, cols);
    const auto& m = projection.matrix;
    const bool grouped =
        mode == ka::matvec_expert_gate_up_grouped || mode == ka::matvec_expert_down_grouped;
    const auto named = product_label(projection, mode, batched, label);
    if (gain && (batched || (mode != ka::matvec_project && mode != ka::matvec_expert_gate_up))) {
        return fail("CUDA: only one token's plain and gate/up products take in a norm");
    }
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
    return launch_matvec(named, projection, mode, rows, x, gain, y.address(), route_.address(),
                         args);
}

Result<void> CudaSequence::route_token(const CudaProjection& router, const DeviceBuffer& gain,
                                       bool quantizing) {
    const auto& c = config_;
    const auto label = product_label(router, ka::matvec_route, false, "matvec router");
    const auto args = product_args(c.expert_count, c.hidden_size);
    if (!quantizing) {
        return launch_matvec(label, router, ka::matvec_route, c.expert_count, x_, &gain,
                             router_logits_.address(), route_.address(), router_arrivals_.address(),
                             args);
    }
    const auto& m = router.matrix;
    return launch(
        label, matvec_kernel_name(m.format, ka::matvec_route, MatVecX::normalized) + "_quantizing",
        matvec_shape(c.expert_count, ka::matvec_route), m.codes.address(), m.scales.address(),
        router.bias.address(), x_.address(), gain.address(), router_logits_.address(),
        route_.address(), router_arrivals_.address(), int8_x_codes_.address(),
        int8_x_scales_.address(), args);
}

bool CudaSequence::takes_int8(const CudaProjection& projection) const {
    return model_.int_dot && gpu::is_block_format(projection.matrix.format);
}

Result<void> CudaSequence::token_experts(const CudaLayer& l) {
    const auto& c = config_;
    const std::uint32_t H = c.hidden_size, E = c.expert_hidden_size;
    const bool int8_gate_up = takes_int8(l.gate_up), int8_down = takes_int8(l.down);
    // Gate/up over int8 x, its parameters after route_ being `outputs`.
    const auto int8_gate_up_launch = [&](std::string_view suffix, auto... outputs) {
        const auto& g = l.gate_up.matrix;
        return launch(
            product_label(l.gate_up, ka::matvec_expert_gate_up, false, "matvec experts gate/up"),
            matvec_kernel_name(g.format, ka::matvec_expert_gate_up, MatVecX::int8) +
                std::string(suffix),
            matvec_shape(E, ka::matvec_expert_gate_up), g.codes.address(), g.scales.address(),
            l.gate_up.bias.address(), int8_x_codes_.address(), int8_x_scales_.address(),
            expert_activations_.address(), route_.address(), outputs..., product_args(E, H));
    };
    Result<void> r;
    if (!int8_gate_up) {
        r = product(l.gate_up, ka::matvec_expert_gate_up, false, x_, expert_activations_, E, H,
                    "matvec experts gate/up", &l.mlp_norm);
    } else if (int8_down) { // it writes down's codes too
        r = int8_gate_up_launch("_quantizing", gate_up_arrivals_.address(),
                                int8_down_codes_.address(), int8_down_scales_.address());
    } else {
        r = int8_gate_up_launch("");
    }
    if (!r) return r;
    if (!int8_down) {
        return product(l.down, ka::matvec_expert_down_add, false, expert_activations_, x_, H, E,
                       "matvec experts down");
    }
    // Down over int8 x whose gate/up read f32 x (weights of other formats): its codes by a launch
    // of their own.
    if (!int8_gate_up) {
        r = launch({"quantize q8"}, "quantize_q8",
                   {c.experts_per_token, 1, 1, shapes::quantize_block},
                   expert_activations_.address(), int8_down_codes_.address(),
                   int8_down_scales_.address(), ka::RmsNormArgs{E, 0.0f});
        if (!r) return r;
    }
    const auto& d = l.down.matrix;
    return launch(product_label(l.down, ka::matvec_expert_down_add, false, "matvec experts down"),
                  matvec_kernel_name(d.format, ka::matvec_expert_down_add, MatVecX::int8),
                  matvec_shape(H, ka::matvec_expert_down_add), d.codes.address(),
                  d.scales.address(), l.down.bias.address(), int8_down_codes_.address(),
                  int8_down_scales_.address(), x_.address(), route_.address(), product_args(H, E));
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
    if (auto r = product(w.unembedding, ka::matvec_project, false, x_, logits_, c.vocab_size,
                         c.hidden_size, "matvec unembedding", &w.final_norm);
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

Result<void> CudaSequence::record_attention(std::uint32_t layer, bool batched,
                                            const gpu::LayerKernelArgs& args) {
    const auto& c = config_;
    const auto& l = model_.weights.layers[layer];
    const auto& cache = caches_[layer];
    const std::uint32_t tokens = batched ? batch_tokens : 1;
    const std::string cache_type = kv_cache_kernel_suffix(model_.kv_format);
    const unsigned head_dim = c.head_dim;
    // A batch's tokens attend to different ranges: no bytes counted for them.
    const DispatchLabel label = batched ? DispatchLabel{"attention"}
                                        : DispatchLabel{"attention", 0, static_cast<int>(layer)};
    // One token whose KV head's query heads fit a block: one launch writes its key and value,
    // attends, and merges the splits.
    if (!batched && shapes::attention_head_chunks(c.head_count / c.kv_head_count) == 1) {
        return launch(label, "attention_step_" + cache_type,
                      {c.kv_head_count, 1, args.attention.splits, shapes::attention_block},
                      qkv_.address(), rope_table_.address(), cache.keys.address(),
                      cache.values.address(), attention_partials_.address(),
                      attention_arrivals_.address(), l.sinks.address(), attention_.address(),
                      step_.address(), args.attention, head_dim);
    }
    // A batch's tokens each split their attention fewer ways: they fill the GPU between them.
    const auto& attention = batched ? args.prefill_attention : args.attention;
    const auto& combine = batched ? args.prefill_combine : args.combine;
    Result<void> r = launch({"rope + kv write"}, "rope_kv_write_" + cache_type,
                            {c.head_count + c.kv_head_count, tokens, 1, shapes::rope_block},
                            qkv_.address(), rope_table_.address(), cache.keys.address(),
                            cache.values.address(), step_.address(), args.rope, head_dim);
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
        r = launch(label, "attention_decode_" + cache_type,
                   {c.kv_head_count,
                    tokens * shapes::attention_head_chunks(c.head_count / c.kv_head_count),
                    attention.splits, shapes::attention_block},
                   qkv_.address(), cache.keys.address(), cache.values.address(),
                   attention_partials_.address(), step_.address(), attention, head_dim);
    }
    if (!r) return r;
    return launch({"attention combine"}, "attention_combine",
                  {c.head_count, tokens, 1, shapes::combine_block}, attention_partials_.address(),
                  l.sinks.address(), attention_.address(), combine, head_dim);
}

Result<void> CudaSequence::record_layer(std::uint32_t layer, bool batched) {
    const auto& c = config_;
    const auto& l = model_.weights.layers[layer];
    const auto& cache = caches_[layer];
    const std::uint32_t H = c.hidden_size, Q = c.q_size(), KV = c.kv_size();
    const std::uint32_t tokens = batched ? batch_tokens : 1;
    const auto args =
        gpu::layer_kernel_args(c, layer, cache.capacity, batch_tokens, ka::matmul_tile_tokens);

    // A batch normalizes x into h_ by launches of their own; one token's products take the norm
    // in (matvec.cuh), and over int8 x its router writes gate/up's codes.
    const auto norm = [&](const DeviceBuffer& gain) {
        return launch({"rms_norm"}, "f32_rms_norm", {tokens, 1, 1, shapes::rms_norm_block},
                      x_.address(), gain.address(), h_.address(), args.norm);
    };
    Result<void> r = batched ? norm(l.attn_norm) : Result<void>{};
    if (r) {
        r = product(l.qkv, ka::matvec_project, batched, batched ? h_ : x_, qkv_, Q + 2 * KV, H,
                    batched ? "matmul q/k/v" : "matvec q/k/v", batched ? nullptr : &l.attn_norm);
    }
    if (r) r = record_attention(layer, batched, args);
    if (r) {
        r = product(l.out, ka::matvec_project_add, batched, attention_, x_, H, Q,
                    batched ? "matmul attention out" : "matvec attention out");
    }
    // One token's router takes the MLP's norm in and chooses the experts itself (matvec.cuh's
    // route kernels); a batch's tokens are normalized and routed by launches of their own.
    if (r && !batched) {
        r = route_token(l.router, l.mlp_norm, takes_int8(l.gate_up));
        return r ? token_experts(l) : r;
    }
    if (r) r = norm(l.mlp_norm);
    if (r) {
        r = product(l.router, ka::matvec_project, true, h_, router_logits_, c.expert_count, H,
                    "matmul router");
    }
    if (r) {
        r = launch({"route experts"}, "route_experts", {tokens, 1, 1, shapes::route_block},
                   router_logits_.address(), route_.address(), args.route);
    }
    if (!r) return r;
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
} // namespace hearth::cuda
