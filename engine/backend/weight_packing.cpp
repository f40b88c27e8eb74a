#include "weight_packing.h"

#include <cstring>

#include "kernel_args.h"
#include "model/decode.h"
#include "model/float_formats.h"

namespace hearth::gpu {
namespace {

using format::TensorType;
namespace ka = kernel_args;

constexpr std::uint64_t block = 32;

std::uint8_t byte_at(const std::byte* p) { return static_cast<std::uint8_t>(*p); }

} // namespace

Result<std::uint32_t> device_format(const model::WeightRef& w) {
    switch (w.type) {
    case TensorType::f32: return ka::weight_format_f32;
    // Two values share a word, so an odd width falls back to f32.
    case TensorType::f16: return w.cols % 2 == 0 ? ka::weight_format_f16 : ka::weight_format_f32;
    case TensorType::bf16: return w.cols % 2 == 0 ? ka::weight_format_bf16 : ka::weight_format_f32;
    case TensorType::q8_0: return ka::weight_format_q8_0;
    case TensorType::mxfp4: return ka::weight_format_mxfp4;
    default: return fail("The GPU backends cannot use " + w.name + " (its type is not a matrix)");
    }
}

std::uint64_t packed_row_bytes(std::uint32_t format, std::uint64_t cols) {
    switch (format) {
    case ka::weight_format_f32: return cols * 4;
    case ka::weight_format_f16:
    case ka::weight_format_bf16: return cols * 2;
    case ka::weight_format_q8_0: return cols;
    default: return cols / 2;
    }
}

bool is_block_format(std::uint32_t format) {
    return format == ka::weight_format_q8_0 || format == ka::weight_format_mxfp4;
}

bool rows_are_whole_units(std::uint32_t format, std::uint64_t cols) {
    return packed_row_bytes(format, cols) % 16 == 0;
}

std::uint64_t packed_row_scale_bytes(std::uint32_t format, std::uint64_t cols) {
    switch (format) {
    case ka::weight_format_q8_0: return cols / block * 4;
    case ka::weight_format_mxfp4: return cols / block;
    default: return 0;
    }
}

MatrixPacker::MatrixPacker(std::uint32_t format, std::uint64_t rows, std::uint64_t cols) {
    packed_.format = format;
    packed_.rows = rows;
    packed_.cols = cols;
    packed_.codes.resize(rows * packed_row_bytes(format, cols));
    // Padded to whole 32-bit words, as the kernels read them.
    packed_.scales.resize((rows * packed_row_scale_bytes(format, cols) + 3) / 4 * 4);
}

void MatrixPacker::set_row(std::uint64_t device_row, const model::WeightRef& w, std::uint64_t stack,
                           std::uint64_t row) {
    const std::uint64_t cols = packed_.cols, index = stack * w.rows + row;
    std::byte* code_out =
        packed_.codes.data() + device_row * packed_row_bytes(packed_.format, cols);
    std::byte* scale_out =
        packed_.scales.data() + device_row * packed_row_scale_bytes(packed_.format, cols);
    if (packed_.format == ka::weight_format_f32 && w.type != TensorType::f32) {
        std::vector<float> values(cols);
        model::decode_row(w, stack, row, values);
        std::memcpy(code_out, values.data(), cols * 4);
        return;
    }
    switch (w.type) {
    case TensorType::f32:
    case TensorType::f16:
    case TensorType::bf16: {
        // Little-endian files and devices: the stored row is already the device row.
        const std::uint64_t bytes = packed_row_bytes(packed_.format, cols);
        std::memcpy(code_out, w.data.data() + index * bytes, bytes);
        return;
    }
    case TensorType::q8_0: {
        // 34-byte blocks: an f16 scale, then 32 int8 codes.
        const std::uint64_t blocks = cols / block;
        const std::byte* source = w.data.data() + index * blocks * 34;
        for (std::uint64_t b = 0; b < blocks; ++b, source += 34) {
            std::uint16_t half;
            std::memcpy(&half, source, 2);
            const float scale = model::f16_to_float(half);
            std::memcpy(scale_out + 4 * b, &scale, 4);
            std::memcpy(code_out + 32 * b, source + 2, 32);
        }
        return;
    }
    default: break; // MXFP4
    }
    const std::uint64_t blocks = cols / block;
    if (w.is_checkpoint_mxfp4()) {
        // Codes already pair elements 2i (low nibble) and 2i+1 (high), as the device wants.
        std::memcpy(code_out, w.data.data() + index * blocks * 16, blocks * 16);
        std::memcpy(scale_out, w.scales.data() + index * blocks, blocks);
        return;
    }
    // GGUF blocks: a scale byte, then byte j holds element j (low nibble) and j + 16 (high).
    // Device byte p holds elements 2p and 2p + 1: for p < 8 the low nibbles of source bytes 2p
    // and 2p + 1, for p >= 8 their high nibbles (of bytes 2p - 16 and 2p - 15).
    const std::byte* source = w.data.data() + index * blocks * 17;
    for (std::uint64_t b = 0; b < blocks; ++b, source += 17, code_out += 16) {
        scale_out[b] = source[0];
        const std::byte* in = source + 1;
        for (std::uint64_t p = 0; p < 8; ++p) {
            const auto even = byte_at(in + 2 * p), odd = byte_at(in + 2 * p + 1);
            code_out[p] = static_cast<std::byte>((even & 0x0F) | ((odd & 0x0F) << 4));
            code_out[8 + p] = static_cast<std::byte>((even >> 4) | (odd & 0xF0));
        }
    }
}

PackedMatrix MatrixPacker::finish() { return std::move(packed_); }

} // namespace hearth::gpu
