#include "row_kernels.h"

#include "format/tensor_type.h"
#include "row_kernels_impl.h"

namespace hearth::cpu {
namespace {

using format::TensorType;

std::size_t format_index(RowFormat f) { return static_cast<std::size_t>(f); }

const RowKernels portable_kernels[] = {
    {portable::dot_row_f32, portable::decode_f32},
    {portable::dot_f16, portable::decode_f16},
    {portable::dot_bf16, portable::decode_bf16},
    {portable::dot_q8_0, portable::decode_q8_0},
    {portable::dot_mxfp4_gguf, portable::decode_mxfp4_gguf},
    {portable::dot_mxfp4_checkpoint, portable::decode_mxfp4_checkpoint},
};

const RowKernels avx2_kernels[] = {
    {avx2::dot_row_f32, portable::decode_f32},
    {portable::dot_f16, portable::decode_f16},
    {avx2::dot_bf16, portable::decode_bf16},
    {avx2::dot_q8_0, avx2::decode_q8_0},
    {avx2::dot_mxfp4_gguf, avx2::decode_mxfp4_gguf},
    {avx2::dot_mxfp4_checkpoint, avx2::decode_mxfp4_checkpoint},
};

bool use_avx2() {
    static const bool supported = avx2::supported();
    return supported;
}

} // namespace

RowFormat row_format(const model::WeightRef& w) {
    switch (w.type) {
    case TensorType::f32: return RowFormat::f32;
    case TensorType::f16: return RowFormat::f16;
    case TensorType::bf16: return RowFormat::bf16;
    case TensorType::q8_0: return RowFormat::q8_0;
    case TensorType::mxfp4:
        return w.is_checkpoint_mxfp4() ? RowFormat::mxfp4_checkpoint : RowFormat::mxfp4_gguf;
    case TensorType::u8: break; // never a weight type (the loader turns U8 into MXFP4)
    }
    return RowFormat::f32;
}

RowLocator::RowLocator(const model::WeightRef& w) : data_(w.data.data()), rows_(w.rows) {
    if (w.is_checkpoint_mxfp4()) {
        scales_ = w.scales.data();
        scale_bytes_ = w.cols / 32;
        row_bytes_ = scale_bytes_ * 16;
    } else {
        row_bytes_ = *format::storage_bytes(w.type, w.cols);
    }
}

const RowKernels& row_kernels(RowFormat format) {
    return use_avx2() ? avx2_kernels[format_index(format)] : portable_kernels[format_index(format)];
}

const RowKernels& portable_row_kernels(RowFormat format) {
    return portable_kernels[format_index(format)];
}

float dot_f32(const float* a, const float* b, std::size_t n) {
    return use_avx2() ? avx2::dot_f32(a, b, n) : portable::dot_f32(a, b, n);
}

void dot4x3_f32(const float* const rows[4], const float* const x[3], std::size_t n,
                float out[3][4]) {
    use_avx2() ? avx2::dot4x3_f32(rows, x, n, out) : portable::dot4x3_f32(rows, x, n, out);
}

} // namespace hearth::cpu
