#include "weight_table.h"

#include <functional>

#include "mxfp4.h"

namespace hearth::model {
namespace {

using format::TensorInfo;
using format::TensorType;
using Shape = std::vector<std::uint64_t>; // contiguous dimension first

std::string shape_text(const Shape& shape) {
    std::string text = "{";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "}";
}

enum class Role { matrix, vector };

bool type_allowed(Role role, TensorType type) {
    if (role == Role::vector) {
        return type == TensorType::f32 || type == TensorType::f16 || type == TensorType::bf16;
    }
    return type != TensorType::u8;
}

// Finds tensors by name in either file format and checks them.
class Collector {
  public:
    using Finder = std::function<const TensorInfo*(const std::string&)>;
    Collector(std::string source, Finder find)
        : source_(std::move(source)), find_(std::move(find)) {}

    // `shape` is {cols, rows[, stack]} (vectors: {cols} or {cols, stack}).
    Result<WeightRef> weight(const std::string& name, Role role, const Shape& shape) const {
        auto tensor = checked(name, shape);
        if (!tensor) return std::unexpected(tensor.error());
        if (!type_allowed(role, (*tensor)->type)) {
            return fail(source_ + ": tensor " + name + " has type " +
                        std::string(to_string((*tensor)->type)) + ", which it may not have");
        }
        WeightRef w;
        w.name = name;
        w.type = (*tensor)->type;
        w.cols = shape[0];
        if (role == Role::matrix) {
            w.rows = shape[1];
            w.stack = shape.size() > 2 ? shape[2] : 1;
        } else {
            w.stack = shape.size() > 1 ? shape[1] : 1;
        }
        w.data = (*tensor)->data;
        return w;
    }

    // MXFP4 in checkpoint layout: `<base>_blocks` [stack, rows, cols/32, 16] and `<base>_scales`.
    Result<WeightRef> checkpoint_mxfp4(const std::string& base, std::uint64_t cols,
                                       std::uint64_t rows, std::uint64_t stack) const {
        const std::uint64_t blocks = cols / mxfp4::block_elements;
        auto codes = checked(base + "_blocks", {mxfp4::code_bytes, blocks, rows, stack});
        if (!codes) return std::unexpected(codes.error());
        auto scales = checked(base + "_scales", {blocks, rows, stack});
        if (!scales) return std::unexpected(scales.error());
        if ((*codes)->type != TensorType::u8 || (*scales)->type != TensorType::u8) {
            return fail(source_ + ": " + base + " is not stored as MXFP4 blocks and scales (U8)");
        }
        WeightRef w;
        w.name = base;
        w.type = TensorType::mxfp4;
        w.stack = stack;
        w.rows = rows;
        w.cols = cols;
        w.data = (*codes)->data;
        w.scales = (*scales)->data;
        return w;
    }

    bool has(const std::string& name) const { return find_(name) != nullptr; }
    const std::string& source() const { return source_; }

  private:
    Result<const TensorInfo*> checked(const std::string& name, const Shape& shape) const {
        const TensorInfo* tensor = find_(name);
        if (!tensor) return fail(source_ + ": tensor " + name + " is missing");
        if (tensor->shape != shape) {
            return fail(source_ + ": tensor " + name + " has shape " + shape_text(tensor->shape) +
                        ", expected " + shape_text(shape));
        }
        return tensor;
    }

    std::string source_;
    Finder find_;
};

// Names and layouts of one file format; the shared assembly below fills ModelWeights from it.
struct Naming {
    std::string embedding, final_norm, unembedding;
    std::function<std::string(std::uint32_t, const char*)> layer; // (layer, role) -> tensor name
};

#define TRY_ASSIGN(target, expression)                                                             \
    do {                                                                                           \
        auto result_ = (expression);                                                               \
        if (!result_) return std::unexpected(result_.error());                                     \
        (target) = std::move(*result_);                                                            \
    } while (false)

Result<Projection> projection(const Collector& c, const std::string& weight,
                              const std::string& bias, std::uint64_t cols, std::uint64_t rows) {
    Projection p;
    TRY_ASSIGN(p.matrix, c.weight(weight, Role::matrix, {cols, rows}));
    TRY_ASSIGN(p.bias, c.weight(bias, Role::vector, {rows}));
    return p;
}

Result<ModelWeights> assemble(const Collector& c, const Naming& n, const ModelConfig& cfg,
                              const std::function<Result<ExpertWeights>(std::uint32_t)>& experts) {
    const std::uint64_t H = cfg.hidden_size, V = cfg.vocab_size;
    ModelWeights w;
    TRY_ASSIGN(w.embedding, c.weight(n.embedding, Role::matrix, {H, V}));
    TRY_ASSIGN(w.final_norm, c.weight(n.final_norm, Role::vector, {H}));
    TRY_ASSIGN(w.unembedding, c.weight(n.unembedding, Role::matrix, {H, V}));
    for (std::uint32_t i = 0; i < cfg.layer_count; ++i) {
        auto name = [&](const char* role) { return n.layer(i, role); };
        LayerWeights l;
        TRY_ASSIGN(l.attn_norm, c.weight(name("attn_norm"), Role::vector, {H}));
        TRY_ASSIGN(l.q, projection(c, name("q"), name("q_bias"), H, cfg.q_size()));
        TRY_ASSIGN(l.k, projection(c, name("k"), name("k_bias"), H, cfg.kv_size()));
        TRY_ASSIGN(l.v, projection(c, name("v"), name("v_bias"), H, cfg.kv_size()));
        TRY_ASSIGN(l.out, projection(c, name("out"), name("out_bias"), cfg.q_size(), H));
        TRY_ASSIGN(l.sinks, c.weight(name("sinks"), Role::vector, {cfg.head_count}));
        TRY_ASSIGN(l.mlp_norm, c.weight(name("mlp_norm"), Role::vector, {H}));
        TRY_ASSIGN(l.router,
                   projection(c, name("router"), name("router_bias"), H, cfg.expert_count));
        TRY_ASSIGN(l.experts, experts(i));
        w.layers.push_back(std::move(l));
    }
    return w;
}

Result<ExpertWeights> gguf_experts(const Collector& c, const ModelConfig& cfg,
                                   std::uint32_t layer) {
    const std::uint64_t H = cfg.hidden_size, I = cfg.expert_hidden_size, E = cfg.expert_count;
    const std::string prefix = "blk." + std::to_string(layer) + ".";
    auto stacked = [&](const std::string& base, std::uint64_t cols,
                       std::uint64_t rows) -> Result<Projection> {
        Projection p;
        TRY_ASSIGN(p.matrix, c.weight(prefix + base + ".weight", Role::matrix, {cols, rows, E}));
        TRY_ASSIGN(p.bias, c.weight(prefix + base + ".bias", Role::vector, {rows, E}));
        return p;
    };
    ExpertWeights x;
    if (c.has(prefix + "ffn_gate_up_exps.weight")) {
        x.layout = GateUpLayout::concatenated;
        TRY_ASSIGN(x.gate, stacked("ffn_gate_up_exps", H, 2 * I));
        x.up = x.gate;
        x.up.rows.first = I;
    } else {
        x.layout = GateUpLayout::separate;
        TRY_ASSIGN(x.gate, stacked("ffn_gate_exps", H, I));
        TRY_ASSIGN(x.up, stacked("ffn_up_exps", H, I));
    }
    TRY_ASSIGN(x.down, stacked("ffn_down_exps", I, H));
    return x;
}

Result<ExpertWeights> hf_experts(const Collector& c, const ModelConfig& cfg, std::uint32_t layer) {
    const std::uint64_t H = cfg.hidden_size, I = cfg.expert_hidden_size, E = cfg.expert_count;
    const std::string prefix = "model.layers." + std::to_string(layer) + ".mlp.experts.";
    if (!c.has(prefix + "gate_up_proj_blocks") && c.has(prefix + "gate_up_proj")) {
        return fail(c.source() + ": experts stored unquantized (" + prefix +
                    "gate_up_proj) are not supported; use the MXFP4 checkpoint");
    }
    ExpertWeights x;
    x.layout = GateUpLayout::interleaved;
    TRY_ASSIGN(x.gate.matrix, c.checkpoint_mxfp4(prefix + "gate_up_proj", H, 2 * I, E));
    TRY_ASSIGN(x.gate.bias, c.weight(prefix + "gate_up_proj_bias", Role::vector, {2 * I, E}));
    x.gate.rows = {0, 2};
    x.up = x.gate;
    x.up.rows = {1, 2};
    TRY_ASSIGN(x.down.matrix, c.checkpoint_mxfp4(prefix + "down_proj", I, H, E));
    TRY_ASSIGN(x.down.bias, c.weight(prefix + "down_proj_bias", Role::vector, {H, E}));
    return x;
}

} // namespace

Result<ModelWeights> weights_from_gguf(const format::GgufFile& file, const ModelConfig& config) {
    const Collector c(file.name(), [&](const std::string& name) { return file.find_tensor(name); });
    Naming n{"token_embd.weight", "output_norm.weight", "output.weight",
             [](std::uint32_t layer, const char* role) {
                 static const std::map<std::string, std::string, std::less<>> names = {
                     {"attn_norm", "attn_norm.weight"},
                     {"q", "attn_q.weight"},
                     {"q_bias", "attn_q.bias"},
                     {"k", "attn_k.weight"},
                     {"k_bias", "attn_k.bias"},
                     {"v", "attn_v.weight"},
                     {"v_bias", "attn_v.bias"},
                     {"out", "attn_output.weight"},
                     {"out_bias", "attn_output.bias"},
                     {"sinks", "attn_sinks.weight"},
                     {"mlp_norm", "post_attention_norm.weight"},
                     {"router", "ffn_gate_inp.weight"},
                     {"router_bias", "ffn_gate_inp.bias"},
                 };
                 return "blk." + std::to_string(layer) + "." + names.find(role)->second;
             }};
    return assemble(c, n, config,
                    [&](std::uint32_t layer) { return gguf_experts(c, config, layer); });
}

Result<ModelWeights> weights_from_safetensors(const format::SafetensorsModel& model,
                                              const std::string& source,
                                              const ModelConfig& config) {
    const Collector c(source, [&](const std::string& name) { return model.find_tensor(name); });
    Naming n{"model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
             [](std::uint32_t layer, const char* role) {
                 static const std::map<std::string, std::string, std::less<>> names = {
                     {"attn_norm", "input_layernorm.weight"},
                     {"q", "self_attn.q_proj.weight"},
                     {"q_bias", "self_attn.q_proj.bias"},
                     {"k", "self_attn.k_proj.weight"},
                     {"k_bias", "self_attn.k_proj.bias"},
                     {"v", "self_attn.v_proj.weight"},
                     {"v_bias", "self_attn.v_proj.bias"},
                     {"out", "self_attn.o_proj.weight"},
                     {"out_bias", "self_attn.o_proj.bias"},
                     {"sinks", "self_attn.sinks"},
                     {"mlp_norm", "post_attention_layernorm.weight"},
                     {"router", "mlp.router.weight"},
                     {"router_bias", "mlp.router.bias"},
                 };
                 return "model.layers." + std::to_string(layer) + "." + names.find(role)->second;
             }};
    return assemble(c, n, config,
                    [&](std::uint32_t layer) { return hf_experts(c, config, layer); });
}

} // namespace hearth::model
