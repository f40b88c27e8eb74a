#include "decode.h"

#include <cstring>

#include "float_formats.h"
#include "mxfp4.h"

namespace hearth::model {
namespace {

using format::TensorType;

std::uint16_t load_u16(const std::byte* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

void decode_q8_0(const std::byte* row, std::span<float> out) {
    for (std::size_t block = 0; block < out.size() / 32; ++block) {
        const std::byte* b = row + block * 34;
        const float d = f16_to_float(load_u16(b));
        for (std::size_t i = 0; i < 32; ++i) {
            out[block * 32 + i] = d * static_cast<float>(static_cast<std::int8_t>(b[2 + i]));
        }
    }
}

} // namespace

void decode_row(const WeightRef& w, std::uint64_t stack, std::uint64_t row, std::span<float> out) {
    const std::uint64_t index = stack * w.rows + row;
    if (w.is_checkpoint_mxfp4()) {
        const std::uint64_t blocks = w.cols / mxfp4::block_elements;
        const std::byte* codes = w.data.data() + index * blocks * mxfp4::code_bytes;
        const std::byte* scales = w.scales.data() + index * blocks;
        for (std::uint64_t b = 0; b < blocks; ++b) {
            mxfp4::decode_checkpoint_block(
                std::span<const std::byte, mxfp4::code_bytes>(codes + b * mxfp4::code_bytes, 16),
                static_cast<std::uint8_t>(scales[b]),
                std::span<float, 32>(out.data() + b * 32, 32));
        }
        return;
    }
    const std::uint64_t row_bytes = *format::storage_bytes(w.type, w.cols);
    const std::byte* p = w.data.data() + index * row_bytes;
    switch (w.type) {
    case TensorType::f32: std::memcpy(out.data(), p, out.size() * 4); break;
    case TensorType::f16:
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = f16_to_float(load_u16(p + 2 * i));
        break;
    case TensorType::bf16:
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = bf16_to_float(load_u16(p + 2 * i));
        break;
    case TensorType::q8_0: decode_q8_0(p, out); break;
    case TensorType::mxfp4:
        for (std::size_t b = 0; b < out.size() / 32; ++b) {
            mxfp4::decode_gguf_block(std::span<const std::byte, 17>(p + b * 17, 17),
                                     std::span<float, 32>(out.data() + b * 32, 32));
        }
        break;
    case TensorType::u8: break; // never a weight type: loaders turn U8 into checkpoint MXFP4
    }
}

std::vector<float> decode_all(const WeightRef& w) {
    std::vector<float> values(w.stack * w.rows * w.cols);
    for (std::uint64_t s = 0; s < w.stack; ++s) {
        for (std::uint64_t r = 0; r < w.rows; ++r) {
            decode_row(w, s, r,
                       std::span<float>(values.data() + (s * w.rows + r) * w.cols, w.cols));
        }
    }
    return values;
}

void decode_projection_row(const Projection& p, std::uint64_t stack, std::uint64_t j,
                           std::span<float> out) {
    decode_row(p.matrix, stack, p.rows.physical(j), out);
}

float decode_projection_bias(const Projection& p, std::uint64_t stack, std::uint64_t j) {
    // Bias vectors are a handful of kilobytes: decoding the row and picking one value is fine.
    std::vector<float> row(p.bias.cols);
    decode_row(p.bias, stack, 0, row);
    return row[p.rows.physical(j)];
}

} // namespace hearth::model
