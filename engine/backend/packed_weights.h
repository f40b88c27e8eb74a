// The whole model's weights repacked on the host into the layouts the GPU kernels read
// (weight_packing.h), one layer at a time so that host memory stays bounded by a layer: matrices
// with their rows in the order the kernels index them (q/k/v fused, gate and up per expert),
// norms, sinks and biases as f32. Each GPU backend copies these to its device.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "hearth/error.h"
#include "model/model_files.h"
#include "weight_packing.h"

namespace hearth::gpu {

struct PackedProjection {
    PackedMatrix matrix;
    std::vector<float> bias; // one per row of the matrix (zeros where the model has no bias)
};

struct PackedLayer {
    std::vector<float> attn_norm, mlp_norm, sinks;
    PackedProjection qkv; // the query rows, then the key rows, then the value rows
    PackedProjection out, router;
    PackedProjection gate_up; // per expert: its gate rows, then its up rows
    PackedProjection down;    // per expert: hidden-size rows
};

// Device bytes of every packed weight, known before anything is packed.
std::uint64_t packed_weight_bytes(const model::ModelFiles& files);

// Where pack_weights hands each packed piece, in this order: the embedding, each layer, the
// final norm, the unembedding. A backend copies each to its device and lets it go.
struct PackedWeightSink {
    std::function<Result<void>(PackedMatrix)> embedding;
    std::function<Result<void>(PackedLayer)> layer;
    std::function<Result<void>(std::vector<float>)> final_norm;
    std::function<Result<void>(PackedProjection)> unembedding;
};

// Packs every weight into `sink`, telling `progress` (when set) the fraction done after each
// layer; it returns false to cancel (the error is then cancelled_message).
Result<void> pack_weights(const model::ModelFiles& files,
                          const std::function<bool(double)>& progress,
                          const PackedWeightSink& sink);

// A GPU backend's weights: each packed piece above copied into a device `Buffer` (any movable
// type), the rows and formats kept with them.
template <typename Buffer>
struct MatrixOn {
    std::uint32_t format = 0; // kernel_args weight_format_*
    std::uint64_t rows = 0;   // all stack entries together
    std::uint64_t cols = 0;
    Buffer codes, scales; // scales: a 4-byte placeholder for formats without them
};

template <typename Buffer>
struct ProjectionOn {
    MatrixOn<Buffer> matrix;
    Buffer bias; // one f32 per row of the matrix
};

template <typename Buffer>
struct LayerOn {
    Buffer attn_norm, mlp_norm, sinks;
    ProjectionOn<Buffer> qkv, out, router, gate_up, down; // laid out as in PackedLayer
};

template <typename Buffer>
struct WeightsOn {
    MatrixOn<Buffer> embedding;
    std::vector<LayerOn<Buffer>> layers;
    Buffer final_norm;
    ProjectionOn<Buffer> unembedding;
};

// Packs every weight (pack_weights) and copies each piece to the device with `upload_bytes`, a
// callable taking std::span<const std::byte> and returning Result<Buffer>.
template <typename Buffer, typename UploadBytes>
Result<WeightsOn<Buffer>> upload_packed_weights(const model::ModelFiles& files,
                                                const std::function<bool(double)>& progress,
                                                UploadBytes upload_bytes) {
    auto copy = [&](std::span<const std::byte> bytes, Buffer& target) -> Result<void> {
        auto made = upload_bytes(bytes);
        if (!made) return std::unexpected(made.error());
        target = std::move(*made);
        return {};
    };
    auto floats = [&](const std::vector<float>& values, Buffer& target) {
        return copy(std::as_bytes(std::span(values)), target);
    };
    auto matrix = [&](const PackedMatrix& packed, MatrixOn<Buffer>& target) -> Result<void> {
        target.format = packed.format;
        target.rows = packed.rows;
        target.cols = packed.cols;
        const std::byte placeholder[4] = {};
        if (auto r = copy(packed.codes, target.codes); !r) return r;
        return packed.scales.empty() ? copy(placeholder, target.scales)
                                     : copy(packed.scales, target.scales);
    };
    auto projection = [&](const PackedProjection& packed,
                          ProjectionOn<Buffer>& target) -> Result<void> {
        if (auto r = matrix(packed.matrix, target.matrix); !r) return r;
        return floats(packed.bias, target.bias);
    };
    WeightsOn<Buffer> out;
    auto layer = [&](const PackedLayer& packed) -> Result<void> {
        auto& target = out.layers.emplace_back();
        for (auto [values, buffer] : {std::pair{&packed.attn_norm, &target.attn_norm},
                                      std::pair{&packed.mlp_norm, &target.mlp_norm},
                                      std::pair{&packed.sinks, &target.sinks}}) {
            if (auto r = floats(*values, *buffer); !r) return r;
        }
        for (auto [piece, buffers] :
             {std::pair{&packed.qkv, &target.qkv}, std::pair{&packed.out, &target.out},
              std::pair{&packed.router, &target.router},
              std::pair{&packed.gate_up, &target.gate_up}, std::pair{&packed.down, &target.down}}) {
            if (auto r = projection(*piece, *buffers); !r) return r;
        }
        return {};
    };
    const PackedWeightSink sink{
        .embedding = [&](PackedMatrix p) { return matrix(p, out.embedding); },
        .layer = [&](PackedLayer p) { return layer(p); },
        .final_norm = [&](std::vector<float> p) { return floats(p, out.final_norm); },
        .unembedding = [&](PackedProjection p) { return projection(p, out.unembedding); },
    };
    if (auto packed = pack_weights(files, progress, sink); !packed) {
        return std::unexpected(packed.error());
    }
    return out;
}

} // namespace hearth::gpu
