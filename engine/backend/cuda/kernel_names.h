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
// (rope_kv_write_*, attention_step_*, attention_decode_*, attention_prefill_*_<head size>).
std::string kv_cache_kernel_suffix(std::uint32_t kv_format);

// What one token's product reads as x: f32 values, f32 values it takes through an RMSNorm (with
// the norm's gains), or int8 codes and their scales.
enum class MatVecX { f32, normalized, int8 };

// matvec.cuh's matvec_<format>_<mode>, one token's products: the project modes and the one-token
// expert modes; normalized, matvec_norm_<format>_<mode> (plain projections, the router and
// gate/up); over int8 x, matvec_int8_<format>_<mode> (the block formats' expert products). The
// router and int8 gate/up also have variants that write int8 codes of what they read or wrote:
// the name + "_quantizing".
std::string matvec_kernel_name(std::uint32_t format, std::uint32_t mode,
                               MatVecX input = MatVecX::f32);

// matmul.cuh's matmul_<format>_<mode>, a batch's products: the project modes and the grouped
// expert modes.
std::string matmul_kernel_name(std::uint32_t format, std::uint32_t mode);

} // namespace hearth::cuda
