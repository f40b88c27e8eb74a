// The compute pipelines of the forward pass, made once per loaded model: one per shader, and
// one per (weight format, mode) of matvec and of matmul that the model's weights need.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "device_weights.h"
#include "hearth/error.h"
#include "hearth/gpu_devices.h"
#include "hearth/model.h"
#include "kernel_args.h"
#include "model/model_config.h"
#include "vulkan_device.h"

namespace hearth::vk {

// Binding counts, the same for every pipeline of a kind (the shaders' layout(binding = ...)).
inline constexpr std::uint32_t matmul_bindings = 6; // codes, scales, bias, x, y, route
// matmul_int_dot.comp's: matmul's, then x's scales
inline constexpr std::uint32_t matmul_int_dot_bindings = 7;
// matmul's, then the input norm's gain, the counts of work done, and int8 codes and scales out
inline constexpr std::uint32_t matvec_bindings = 10;
// q/k/v, the two caches, partials, step, sinks, output, count of splits done, RoPE table
inline constexpr std::uint32_t attention_decode_bindings = 9;
inline constexpr std::uint32_t most_bindings = std::max(matvec_bindings, attention_decode_bindings);
// Rows (token, query head) an attention_prefill workgroup takes, and the most positions per tile.
inline constexpr std::uint32_t attention_prefill_rows = 64;
inline constexpr std::uint32_t attention_prefill_max_key_tile = 32;
// Invocations of an attention_decode workgroup: the query heads of a KV head share them.
inline constexpr std::uint32_t attention_decode_invocations = 64;
// The most invocations a workgroup laid out along x may have on the device.
inline std::uint32_t widest_workgroup(const VulkanDeviceInfo& info) {
    return std::min(info.max_workgroup_invocations, info.max_workgroup_size_x);
}
// The shared memory of matmul.comp: its weight and x tiles (f32) and its MXFP4 table.
inline constexpr std::uint32_t matmul_shared_bytes =
    4 * (kernel_args::matmul_tile_k *
             (kernel_args::matmul_tile_rows + kernel_args::matmul_tile_tokens) +
         16);

// Which matvec: the weight format, the mode, the output rows a workgroup computes (its
// ROWS_PER_GROUP), whether it takes its input through an RMSNorm (NORMALIZE_INPUT), reads rows
// 16 bytes at a time, reads x as int8 codes (matvec_int_dot.comp), and writes int8 codes for the
// next product (Q8_OUTPUT).
struct MatVecKey {
    std::uint32_t format = 0, mode = 0;
    std::uint32_t rows_per_group = 0;
    bool normalize_input = false;
    bool wide_units = false;
    bool q8_input = false;
    bool q8_output = false;
    auto operator<=>(const MatVecKey&) const = default;
};

// Whether products take integer dot products over an int8 x: only where asked (by the tuning item
// `item`). They round x to 8 bits, which moves the tiny models' logits by about 1e-3 of the
// largest and changes their greedy tokens against the reference, so they stay off until a GPU
// shows them faster. They need the device's dot products, and one token's subgroup sums too
// (`subgroup_sums`: the experts' matvec shape has them); asked for without them, it fails saying
// which is missing.
Result<bool> choose_int_dot(const VulkanDeviceInfo& info, std::optional<bool> asked,
                            bool subgroup_sums, std::string_view item);

struct ForwardPipelines {
    // attention: decoding, its splits merged by its last workgroups; attention_prefill and
    // attention_combine: a batch's. route_experts: a batch's (one token's router routes).
    // quantize_q8 (with batch_int_dot): a batch's rows into int8 codes as they are, or through the
    // RMSNorm first. (One token's router and gate/up write its codes themselves.)
    ComputePipeline embed, rms_norm, quantize_q8, quantize_q8_normalized, rope_kv_write, attention,
        attention_combine, attention_prefill, route_experts, group_experts, expert_combine,
        sample_partials, sample_cut, sample_kept, sample_pick;
    // One token's products. Shapes: on a GPU, 128 invocations and 2 rows, or 4 or 8 for plain
    // projections tall enough to keep many workgroups, and 1 for the experts' down
    // (matvec_rows_per_group); a CPU driver gets 8 rows x one subgroup, as each workgroup and
    // barrier has a fixed cost there.
    std::map<MatVecKey, ComputePipeline> matvec;
    // A batch's products (matmul.comp, or matmul_int_dot.comp over int8 x), per (weight format,
    // mode, int8 x).
    std::map<std::tuple<std::uint32_t, std::uint32_t, bool>, ComputePipeline> matmul;
    bool cpu_driver = false;
    bool int_dot = false, batch_int_dot = false; // choose_int_dot's answers
    VulkanTuning tuning;                         // the caller's overrides
    // The cache layout rope_kv_write and attention were made for (kernel_args.h kv_cache_*).
    std::uint32_t kv_format = 0;

    std::uint32_t matvec_rows_per_group(std::uint32_t mode, std::uint64_t rows) const;
    // Whether one token's products over `m` read its rows 16 bytes at a time: where its rows are a
    // whole number of 16-byte units, and it is tuned to, or by default for the float formats. A
    // word of those holds one or two values, so narrow, an invocation of 128 walks a row of 2880
    // in 23 loads one after another (f32: gpt-oss's router) or 12 (f16, bf16); wide, in 6 or 3.
    // A block format's row of 2880 has only 90 (MXFP4) or 180 (Q8_0) wide units for the 128; on
    // an H200, gpt-oss-20b with every format wide (wide_units=1), its MXFP4 experts and Q8_0
    // projections too, was slower than with none.
    bool matvec_wide_units(const DeviceMatrix& m) const;
    // Whether an expert product over `m` reads x as int8 codes: with int_dot (one token's) or
    // batch_int_dot (a batch's), for the block formats (MXFP4, Q8_0), whose 32-value blocks the
    // codes' scales match. The other products keep f32 x: over int8 x the unembedding moved the
    // tiny models' logits by 0.6% of the largest, and Q8_0 q/k/v in a batch by 43%.
    bool takes_q8(const DeviceMatrix& m, bool batched) const;
};

// Uses the subgroup-arithmetic matvec where the device has it, the portable one elsewhere; the
// matvec workgroups take `tuning` where it is set, or fail saying why it cannot be.
Result<ForwardPipelines>
create_forward_pipelines(VulkanDevice& device, const model::ModelConfig& config,
                         const DeviceWeights& weights, const VulkanDeviceInfo& info,
                         std::uint32_t kv_format, const VulkanTuning& tuning = {});

// attention_decode.comp's LANES for `config` and a `kv_format` cache: as many as its group's heads
// leave of a workgroup's invocations, within the device's shared memory and with a tile's words
// in registers; 0 where not even one lane fits.
std::uint32_t attention_decode_lanes(const model::ModelConfig& config, std::uint32_t kv_format,
                                     std::uint32_t shared_memory_bytes);

} // namespace hearth::vk
