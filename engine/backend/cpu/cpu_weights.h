// The model's weights as the CPU backend uses them: matrices stay in the mapped file (read row by
// row with the row kernels); norms, sinks and biases are small and decoded to floats once.
#pragma once

#include <vector>

#include "hearth/error.h"
#include "model/model_files.h"
#include "row_kernels.h"
#include "thread_pool.h"

namespace hearth::cpu {

// y = W x + b for a stack of matrices (logical rows mapped to stored rows by a RowMap).
class CpuProjection {
  public:
    CpuProjection() = default;
    CpuProjection(const model::Projection& projection, std::uint64_t rows);
    explicit CpuProjection(const model::WeightRef& matrix); // no bias

    std::uint64_t rows() const { return rows_; }
    // y[t * rows + j] = row j . x[t * cols ..] + bias[j] for t < count, rows split over threads.
    void apply(std::uint64_t stack, const float* x, std::size_t count, float* y,
               ThreadPool& pool) const;

  private:
    model::WeightRef matrix_;
    model::RowMap map_;
    std::uint64_t rows_ = 0;
    RowFormat format_ = RowFormat::f32;
    std::vector<float> bias_; // [stack][rows], empty when there is none
};

struct CpuLayer {
    std::vector<float> attn_norm, mlp_norm, sinks;
    CpuProjection q, k, v, out, router, gate, up, down;
};

struct CpuEmbedding {
    model::WeightRef table;
    void decode(std::uint64_t token, float* out) const;
};

struct CpuWeights {
    CpuEmbedding embedding;
    std::vector<CpuLayer> layers;
    std::vector<float> final_norm;
    CpuProjection unembedding;
};

Result<CpuWeights> prepare_cpu_weights(const model::ModelFiles& files);

} // namespace hearth::cpu
