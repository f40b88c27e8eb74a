#include "forward_pipelines.h"

#include <algorithm>
#include <bit>
#include <string>
#include <string_view>
#include <vector>

#include "backend/kv_cache_layout.h"
#include "backend/weight_packing.h"
#include "hearth/spirv.h"
#include "kernel_args.h"

namespace hearth::vk {
namespace {

namespace ka = kernel_args;

// A plain projection takes 4 or 8 rows per one-token workgroup when that still leaves this many
// workgroups to spread over the GPU.
constexpr std::uint64_t gpu_decode_min_workgroups = 1024;

template <typename Args>
PipelineLayoutDesc layout(std::uint32_t bindings) {
    return {.storage_buffer_count = bindings, .push_constant_bytes = sizeof(Args)};
}

bool expert_matvec(std::uint32_t mode) {
    return mode == ka::matvec_expert_gate_up || mode == ka::matvec_expert_down_add;
}

// The invocations of one token's matvec workgroups, and whether matvec.comp (which adds up one
// partial sum per subgroup in a fixed array) takes that many or matvec_portable.comp (one per
// invocation) must: `asked` by the tuning item `item` (0: the backend's choice), within the
// shaders' limits (kernel_args.h) and the device's.
struct MatVecGroup {
    std::uint32_t size = 0;
    bool subgroup_sums = false;
};
Result<MatVecGroup> matvec_group(const VulkanDeviceInfo& info, std::uint32_t asked,
                                 std::string_view item) {
    MatVecGroup group;
    group.size = info.kind == DeviceKind::cpu
                     ? (std::has_single_bit(info.subgroup_size) ? info.subgroup_size : 8u)
                     : 128u;
    if (asked) {
        const std::uint32_t widest = std::min(ka::matvec_max_group_size, widest_workgroup(info));
        if (!std::has_single_bit(asked) || asked > widest) {
            return fail("Vulkan: " + std::string(item) + "=" + std::to_string(asked) +
                        ": a matvec workgroup's invocations must be a power of two up to " +
                        std::to_string(widest));
        }
        group.size = asked;
    }
    group.subgroup_sums =
        info.features.subgroup_arithmetic &&
        std::uint64_t{info.subgroup_size} * ka::matvec_max_subgroups >= group.size;
    if (!group.subgroup_sums && group.size > ka::matvec_portable_max_group_size) {
        if (asked) {
            return fail("Vulkan: " + std::string(item) + "=" + std::to_string(asked) +
                        ": without subgroup sums a matvec workgroup takes at most " +
                        std::to_string(ka::matvec_portable_max_group_size) + " invocations");
        }
        group.size = ka::matvec_portable_max_group_size;
    }
    return group;
}

} // namespace

// More rows keep more loads in flight per invocation; fewer workgroups leave compute units idle.
// On an H200 (20b shapes) 8 rows took the 201,088-row unembedding from 0.56 to 0.41 ms and 4 the
// 5,120-row q/k/v from 0.58 to 0.50 ms, while the smaller projections were fastest at 2. The
// experts' down, which reads four experts' rows and four rows of x in one pass, took 0.76 ms a
// step at 1 row against 0.98 at 2, and their gate/up 1.14 ms at 2 against 1.40 at 1 and 1.25 at
// 4 (hearth-bench --vulkan-tuning retimes the shapes).
std::uint32_t ForwardPipelines::matvec_rows_per_group(std::uint32_t mode,
                                                      std::uint64_t rows) const {
    const bool experts = expert_matvec(mode);
    const bool down = mode == ka::matvec_expert_down_add;
    if (down && tuning.down_rows) return tuning.down_rows;
    if (const auto chosen = experts ? tuning.expert_rows : tuning.project_rows) {
        return chosen;
    }
    if (cpu_driver) return 8;
    if (down) return 1;
    if (experts) return 2;
    for (const std::uint32_t wide : {8u, 4u}) {
        if (rows / wide >= gpu_decode_min_workgroups) return wide;
    }
    return 2;
}

bool ForwardPipelines::matvec_wide_units(const DeviceMatrix& m) const {
    return tuning.wide_units.value_or(!gpu::is_block_format(m.format)) &&
           gpu::rows_are_whole_units(m.format, m.cols);
}

bool ForwardPipelines::takes_q8(const DeviceMatrix& m, bool batched) const {
    return (batched ? batch_int_dot : int_dot) && gpu::is_block_format(m.format);
}

Result<bool> choose_int_dot(const VulkanDeviceInfo& info, std::optional<bool> asked,
                            bool subgroup_sums, std::string_view item) {
    if (!asked.value_or(false)) return false;
    if (!info.features.integer_dot_product) {
        return fail("Vulkan: " + std::string(item) + "=1: " + info.name +
                    " has no integer dot products");
    }
    if (!subgroup_sums) {
        return fail("Vulkan: " + std::string(item) +
                    "=1 needs subgroup sums, which the experts' matvec shape lacks");
    }
    return true;
}

std::uint32_t attention_decode_lanes(const model::ModelConfig& config, std::uint32_t kv_format,
                                     std::uint32_t shared_memory_bytes) {
    // A tile of attention_decode_lane_positions positions per lane: their keys (rows padded by a
    // float) and values (f32) and scores, beside what the cache write takes (a float pair per
    // invocation, kv_write.glsl), the scores' padding, the merge's maximum and sum per (head,
    // split) and a flag. And at most 32 of a tile's words per cache and invocation, which it
    // holds in registers (fetch_tile).
    const std::uint32_t group = config.head_count / config.kv_head_count;
    const std::uint32_t fixed_bytes =
        std::uint32_t{sizeof(float)} *
            (2 * attention_decode_invocations + group * (1 + 2 * ka::attention_decode_max_splits)) +
        16;
    const std::uint32_t lane_bytes = ka::attention_decode_lane_positions *
                                     std::uint32_t{sizeof(float)} *
                                     (2 * config.head_dim + 1 + group);
    const std::uint32_t fetched_lanes =
        std::max(1u, attention_decode_invocations * 32 /
                         (ka::attention_decode_lane_positions *
                          gpu::kv_cache_row_words(kv_format, config.head_dim)));
    if (group == 0 || shared_memory_bytes <= fixed_bytes) return 0;
    return std::min({attention_decode_invocations / group, fetched_lanes,
                     (shared_memory_bytes - fixed_bytes) / lane_bytes});
}

Result<ForwardPipelines>
create_forward_pipelines(VulkanDevice& device, const model::ModelConfig& config,
                         const DeviceWeights& weights, const VulkanDeviceInfo& info,
                         std::uint32_t kv_format, const VulkanTuning& tuning) {
    ForwardPipelines p;
    p.kv_format = kv_format;
    p.tuning = tuning;
    if (std::max({tuning.expert_rows, tuning.down_rows, tuning.project_rows}) >
        ka::matvec_max_rows) {
        return fail("Vulkan: a matvec workgroup takes at most " +
                    std::to_string(ka::matvec_max_rows) + " rows");
    }
    // Every device runs 128 invocations.
    const std::uint32_t most_invocations = std::bit_floor(std::max(widest_workgroup(info), 128u));
    const bool cpu = info.kind == DeviceKind::cpu;
    // The experts' products may be tuned apart from the others.
    const auto project_group = matvec_group(info, tuning.invocations, "invocations");
    if (!project_group) return std::unexpected(project_group.error());
    const auto expert_group =
        tuning.expert_invocations
            ? matvec_group(info, tuning.expert_invocations, "expert_invocations")
            : matvec_group(info, tuning.invocations, "invocations");
    if (!expert_group) return std::unexpected(expert_group.error());
    const auto int_dot =
        choose_int_dot(info, tuning.int_dot, expert_group->subgroup_sums, "int_dot");
    if (!int_dot) return std::unexpected(int_dot.error());
    p.int_dot = *int_dot;
    // A batch's matmul sums nothing across a workgroup.
    const auto batch_int_dot = choose_int_dot(info, tuning.batch_int_dot, true, "batch_int_dot");
    if (!batch_int_dot) return std::unexpected(batch_int_dot.error());
    p.batch_int_dot = *batch_int_dot;
    static_assert(ka::matvec_max_rows >= 8 && ka::matvec_max_group_size >= 128);
    const std::uint32_t head_layout[] = {config.head_dim, kv_format};
    const std::uint32_t head_dim[] = {config.head_dim};
    // attention_prefill's key and value tiles (f32) within the device's shared memory.
    const std::uint32_t position_bytes = 2 * config.head_dim * std::uint32_t{sizeof(float)};
    const std::uint32_t prefill_layout[] = {
        config.head_dim, kv_format,
        std::clamp(std::bit_floor(info.max_shared_memory_bytes / position_bytes), 1u,
                   attention_prefill_max_key_tile)};
    const std::uint32_t group = config.head_count / config.kv_head_count;
    const std::uint32_t decode_lanes =
        attention_decode_lanes(config, kv_format, info.max_shared_memory_bytes);
    if (decode_lanes == 0) {
        return fail("Vulkan: this model's attention does not fit the GPU's workgroups",
                    std::to_string(group) + " query heads per KV head of " +
                        std::to_string(config.head_dim) + " values");
    }
    const std::uint32_t decode_layout[] = {config.head_dim, kv_format, group, decode_lanes};
    const std::uint32_t embedding_format[] = {weights.embedding.format};
    // sample_cut weighs the whole vocabulary at every step of its search: the widest workgroup.
    const std::uint32_t cut_group_size[] = {
        std::min(ka::sample_cut_max_group_size, most_invocations)};
    const std::uint32_t norm_group_size[] = {
        info.kind == DeviceKind::cpu ? 64u
                                     : std::min(ka::rms_norm_max_group_size, most_invocations)};
    const std::uint32_t quantize_shape[] = {norm_group_size[0], 0};
    const std::uint32_t normalized_quantize_shape[] = {norm_group_size[0], 1};
    struct Single {
        ComputePipeline* target;
        std::span<const std::uint32_t> spirv;
        PipelineLayoutDesc desc;
        std::span<const std::uint32_t> specialization;
    };
    std::vector<Single> singles = {
        {&p.embed, spirv::embed, layout<ka::EmbedArgs>(4), embedding_format},
        {&p.rms_norm, spirv::rms_norm, layout<ka::RmsNormArgs>(3), norm_group_size},
        {&p.rope_kv_write, spirv::rope_kv_write, layout<ka::RopeKvArgs>(5), head_layout},
        {&p.attention, spirv::attention_decode,
         layout<ka::AttentionArgs>(attention_decode_bindings), decode_layout},
        {&p.attention_combine, spirv::attention_combine, layout<ka::AttentionCombineArgs>(4),
         head_dim},
        {&p.attention_prefill, spirv::attention_prefill, layout<ka::AttentionArgs>(5),
         prefill_layout},
        {&p.route_experts, spirv::route_experts, layout<ka::RouteArgs>(2), {}},
        {&p.group_experts, spirv::group_experts, layout<ka::GroupExpertsArgs>(3), {}},
        {&p.expert_combine, spirv::expert_combine, layout<ka::ExpertCombineArgs>(4), {}},
        {&p.sample_partials, spirv::sample_partials, layout<ka::SampleArgs>(4), {}},
        {&p.sample_cut, spirv::sample_cut, layout<ka::SampleArgs>(4), cut_group_size},
        {&p.sample_kept, spirv::sample_kept, layout<ka::SampleArgs>(4), {}},
        {&p.sample_pick, spirv::sample_pick, layout<ka::SampleArgs>(6), {}},
    };
    if (p.batch_int_dot) { // made only where asked: a load compiles what it makes
        singles.push_back(
            {&p.quantize_q8, spirv::quantize_q8, layout<ka::RmsNormArgs>(5), quantize_shape});
        singles.push_back({&p.quantize_q8_normalized, spirv::quantize_q8,
                           layout<ka::RmsNormArgs>(5), normalized_quantize_shape});
    }
    for (const auto& single : singles) {
        auto pipeline = device.create_pipeline(single.spirv, single.desc, single.specialization);
        if (!pipeline) return std::unexpected(pipeline.error());
        *single.target = std::move(*pipeline);
    }

    p.cpu_driver = cpu;
    std::vector<MatVecKey> one_token;
    std::vector<std::tuple<std::uint32_t, std::uint32_t, bool>> batched;
    // One token's products that follow an RMSNorm take it in (vulkan_sequence.cpp), unless
    // tuned to a dispatch of its own. Over int8 x, the router writes gate/up's codes (of the
    // normalized x) and gate/up down's.
    const auto need = [&](const DeviceMatrix& m, std::uint32_t mode, bool takes_norm,
                          bool q8_input = false, bool q8_output = false) {
        one_token.push_back({m.format, mode, p.matvec_rows_per_group(mode, m.rows), takes_norm,
                             p.matvec_wide_units(m), q8_input, q8_output});
    };
    const bool norm_in = !tuning.separate_norms;
    need(weights.unembedding.matrix, ka::matvec_project, norm_in);
    for (const auto& l : weights.layers) {
        const bool q8_gate_up = p.takes_q8(l.gate_up.matrix, false);
        const bool q8_down = p.takes_q8(l.down.matrix, false);
        need(l.qkv.matrix, ka::matvec_project, norm_in);
        need(l.router.matrix, ka::matvec_route, norm_in, false, q8_gate_up);
        need(l.out.matrix, ka::matvec_project_add, false);
        need(l.gate_up.matrix, ka::matvec_expert_gate_up, norm_in && !q8_gate_up, q8_gate_up,
             q8_down);
        need(l.down.matrix, ka::matvec_expert_down_add, false, q8_down);
        batched.insert(batched.end(), {{l.qkv.matrix.format, ka::matvec_project, false},
                                       {l.router.matrix.format, ka::matvec_project, false},
                                       {l.out.matrix.format, ka::matvec_project_add, false},
                                       {l.gate_up.matrix.format, ka::matvec_expert_gate_up_grouped,
                                        p.takes_q8(l.gate_up.matrix, true)},
                                       {l.down.matrix.format, ka::matvec_expert_down_grouped,
                                        p.takes_q8(l.down.matrix, true)}});
    }
    for (const auto& key : one_token) {
        if (p.matvec.contains(key)) continue;
        const auto& shape = expert_matvec(key.mode) ? *expert_group : *project_group;
        const std::uint32_t specialization[] = {key.format,
                                                key.mode,
                                                key.rows_per_group,
                                                shape.size,
                                                key.normalize_input ? 1u : 0u,
                                                key.wide_units ? 1u : 0u,
                                                tuning.fp4_bits ? 1u : 0u,
                                                key.q8_output ? 1u : 0u};
        const auto module = key.q8_input          ? spirv::matvec_int_dot
                            : shape.subgroup_sums ? spirv::matvec
                                                  : spirv::matvec_portable;
        auto pipeline =
            device.create_pipeline(module, layout<ka::MatVecArgs>(matvec_bindings), specialization);
        if (!pipeline) return std::unexpected(pipeline.error());
        p.matvec.emplace(key, std::move(*pipeline));
    }
    for (const auto& key : batched) {
        if (p.matmul.contains(key)) continue;
        const auto [format, mode, q8_input] = key;
        const std::uint32_t specialization[] = {format, mode};
        auto pipeline = device.create_pipeline(
            q8_input ? spirv::matmul_int_dot : spirv::matmul,
            layout<ka::MatVecArgs>(q8_input ? matmul_int_dot_bindings : matmul_bindings),
            specialization);
        if (!pipeline) return std::unexpected(pipeline.error());
        p.matmul.emplace(key, std::move(*pipeline));
    }
    return p;
}

} // namespace hearth::vk
