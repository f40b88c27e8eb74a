// The names the host launches Hearth's CUDA kernels by, as the kernel files instantiate them
// (extern "C", so a name is all the module API needs).
#pragma once

#include <cstdint>
#include <string>

namespace hearth::cuda {

// "f32", "f16", "bf16", "q8_0", "mxfp4" for a kernel_args weight_format_*: the suffix of the
// embed_* kernels and part of the matvec names.
std::string format_kernel_suffix(std::uint32_t format);

// "f32", "f16", "q8" for a kernel_args kv_cache_* format: the suffix of the cache kernels
// (rope_kv_write_*, attention_decode_*, attention_prefill_*_<head size>).
std::string kv_cache_kernel_suffix(std::uint32_t kv_format);

// matvec.cuh's matvec_<format>_<mode>, one token's products: the project modes and the one-token
// expert modes; with `int8_x`, matvec_int8_<format>_<mode>, the block formats' expert products
// over int8 x.
std::string matvec_kernel_name(std::uint32_t format, std::uint32_t mode, bool int8_x = false);

// matmul.cuh's matmul_<format>_<mode>, a batch's products: the project modes and the grouped
// expert modes.
std::string matmul_kernel_name(std::uint32_t format, std::uint32_t mode);

} // namespace hearth::cuda
