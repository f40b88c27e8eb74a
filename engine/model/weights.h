// One description of a gpt-oss model's weights, whichever file they came from. Weights stay in
// the mapped file in their stored type; decode.h turns rows of them into floats.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "format/tensor_type.h"

namespace hearth::model {

// A stack of `stack` matrices of rows x cols (row-major, a row is contiguous). Vectors have
// rows == 1; per-expert biases are a stack of vectors.
struct WeightRef {
    std::string name; // the tensor in the file, for messages
    format::TensorType type = format::TensorType::f32;
    std::uint64_t stack = 1;
    std::uint64_t rows = 1;
    std::uint64_t cols = 1;
    std::span<const std::byte> data;
    // MXFP4 in the checkpoint layout keeps its scale bytes apart from the codes: one per block,
    // [stack, rows, cols / 32]. Empty for every other weight.
    std::span<const std::byte> scales;

    bool is_checkpoint_mxfp4() const { return !scales.empty(); }
};

// Logical row j of a projection is physical row first + j * stride of its matrix, and element
// first + j * stride of its bias: this covers gate/up stored apart, interleaved or concatenated.
struct RowMap {
    std::uint64_t first = 0;
    std::uint64_t stride = 1;
    std::uint64_t physical(std::uint64_t j) const { return first + j * stride; }
};

struct Projection {
    WeightRef matrix;
    WeightRef bias;
    RowMap rows;
};

enum class GateUpLayout {
    separate,     // GGUF: ffn_gate_exps and ffn_up_exps
    interleaved,  // checkpoint: gate_up_proj rows alternate gate, up
    concatenated, // fused GGUF: all gate rows, then all up rows
};

struct ExpertWeights {
    GateUpLayout layout = GateUpLayout::separate;
    Projection gate; // stack = experts, rows = expert size, cols = hidden
    Projection up;
    Projection down; // rows = hidden, cols = expert size
};

struct LayerWeights {
    WeightRef attn_norm;
    Projection q, k, v, out;
    WeightRef sinks;
    WeightRef mlp_norm;
    Projection router;
    ExpertWeights experts;
};

struct ModelWeights {
    WeightRef embedding; // rows = vocab, cols = hidden
    std::vector<LayerWeights> layers;
    WeightRef final_norm;
    WeightRef unembedding;
};

} // namespace hearth::model
