#include "kv_cache_layout.h"

#include <string>

#include "kernel_args.h"

namespace hearth::gpu {

namespace ka = kernel_args;

std::uint32_t kv_cache_format(KvCachePrecision precision) {
    switch (precision) {
    case KvCachePrecision::f32: return ka::kv_cache_f32;
    case KvCachePrecision::f16: return ka::kv_cache_f16;
    case KvCachePrecision::q8: return ka::kv_cache_q8;
    }
    return ka::kv_cache_f16;
}

std::uint32_t kv_cache_row_words(std::uint32_t kv_format, std::uint32_t head_dim) {
    if (kv_format == ka::kv_cache_q8) return head_dim / 4 + 1; // the codes, then the scale
    if (kv_format == ka::kv_cache_f16) return head_dim / 2;
    return head_dim;
}

std::uint64_t kv_cache_row_bytes(std::uint32_t kv_format, std::uint32_t head_dim) {
    return std::uint64_t{sizeof(std::uint32_t)} * kv_cache_row_words(kv_format, head_dim);
}

std::uint64_t kv_cache_position_bytes(std::uint32_t kv_format, const model::ModelConfig& config) {
    return config.kv_head_count * kv_cache_row_bytes(kv_format, config.head_dim);
}

Result<void> check_kv_cache_precision(const model::ModelConfig& config,
                                      KvCachePrecision precision) {
    if (precision == KvCachePrecision::q8 && config.head_dim % 4 != 0) {
        return fail("An 8-bit KV cache needs a head size that is a multiple of 4",
                    "this model's is " + std::to_string(config.head_dim) + "; use --kv-cache f16");
    }
    return {};
}

} // namespace hearth::gpu
