// How the GPU backends (Vulkan, CUDA) keep a KV cache: the same layout (kernel_args.h's kv_cache_*
// formats) in both, so memory planning, byte counts and the kernel tests agree.
#pragma once

#include <cstdint>

#include "hearth/error.h"
#include "hearth/model.h"
#include "model/model_config.h"

namespace hearth::gpu {

// The kernel_args.h cache layout of `precision`.
std::uint32_t kv_cache_format(KvCachePrecision precision);
// 32-bit words a (position, KV head) row of `head_dim` values takes in a `kv_format` cache.
std::uint32_t kv_cache_row_words(std::uint32_t kv_format, std::uint32_t head_dim);
// The same row's bytes.
std::uint64_t kv_cache_row_bytes(std::uint32_t kv_format, std::uint32_t head_dim);
// Bytes of one position's keys (or values) of `config`: a row per KV head.
std::uint64_t kv_cache_position_bytes(std::uint32_t kv_format, const model::ModelConfig& config);
// Fails, saying what to choose instead, where `config`'s heads cannot be kept at `precision`
// (an 8-bit cache packs four codes a word).
Result<void> check_kv_cache_precision(const model::ModelConfig& config, KvCachePrecision precision);

} // namespace hearth::gpu
