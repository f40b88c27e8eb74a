// The model's weights as the CPU backend uses them: matrices stay in the mapped file (read row by
// row with the row kernels); norms, sinks and biases are small and decoded to floats once.
#pragma once

#include <span>
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
    std::uint64_t cols() const { return cols_; }
    // y[t * rows + j] = row j . x[t * cols ..] + bias[j] for t < count, rows split over threads.
    void apply(std::uint64_t stack, const float* x, std::size_t count, float* y,
               ThreadPool& pool) const;
    // y[j] for j in [begin, end) and one token, with `kernels` (row_kernels(format()) looked up
    // once by the caller, who prepared x for them).
    void apply_rows(const RowKernels& kernels, std::uint64_t stack, DotInput x, float* y,
                    std::size_t begin, std::size_t end) const;
    RowFormat format() const { return format_; }

  private:
    RowView row(std::uint64_t stack, std::uint64_t j) const {
        return locate_(stack, map_.physical(j));
    }
    const float* bias(std::uint64_t stack) const {
        return bias_.empty() ? nullptr : bias_.data() + stack * rows_;
    }

    RowLocator locate_;
    model::RowMap map_;
    std::uint64_t rows_ = 0, cols_ = 0;
    RowFormat format_ = RowFormat::f32;
    std::vector<float> bias_; // [stack][rows], empty when there is none
};

// One single-token product of a decode step: y = W[stack] x + b.
struct MatVec {
    const CpuProjection* projection;
    std::uint64_t stack;
    const float* x;
    float* y;
};

// Runs several single-token products as one parallel loop over all their rows, so a decode step
// wakes the thread pool once rather than once per matrix.
void apply_together(std::span<const MatVec> products, ThreadPool& pool);

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
