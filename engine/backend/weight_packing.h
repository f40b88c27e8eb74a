// Repacking weight rows from the file's layouts into the device layouts the GPU kernels read
// (Vulkan shaders and CUDA kernels alike; shaders/include/kernel_args.h): 32-bit aligned codes,
// block scales in their own array, and the rows in the order the kernels index them. Host-only,
// so it is tested without a GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hearth/error.h"
#include "model/weights.h"

namespace hearth::gpu {

struct PackedMatrix {
    std::uint32_t format = 0; // kernel_args weight_format_*
    std::uint64_t rows = 0;
    std::uint64_t cols = 0;
    std::vector<std::byte> codes;
    std::vector<std::byte> scales; // block formats only; padded to whole 32-bit words
};

// The device format for a weight of this type and width ("" when the type cannot be a matrix).
Result<std::uint32_t> device_format(const model::WeightRef& w);

// Bytes one row takes in `codes` and in `scales` for a format.
std::uint64_t packed_row_bytes(std::uint32_t format, std::uint64_t cols);
std::uint64_t packed_row_scale_bytes(std::uint32_t format, std::uint64_t cols);
// Q8_0 and MXFP4: values in blocks of 32 with a scale each (the formats the int8 products take).
bool is_block_format(std::uint32_t format);
// Whether a row's codes are a whole number of 16-byte units, which a one-token product may read
// a unit at a time (matvec_body.glsl's WIDE_UNITS).
bool rows_are_whole_units(std::uint32_t format, std::uint64_t cols);

class MatrixPacker {
  public:
    // Makes room for `rows` rows of `cols` values in `format`.
    MatrixPacker(std::uint32_t format, std::uint64_t rows, std::uint64_t cols);
    // Device row `device_row` = stored row `row` of stack entry `stack` of `w` (whose width must
    // match; a format other than the packer's must be decodable to f32, the packer's then).
    // Rows are written in place, so threads may set different rows at once.
    void set_row(std::uint64_t device_row, const model::WeightRef& w, std::uint64_t stack,
                 std::uint64_t row);
    PackedMatrix finish();

  private:
    PackedMatrix packed_;
};

} // namespace hearth::gpu
