// Hearth's CUDA kernels, compiled by g++ for the emulator: the same sources nvcc builds into the
// fatbin (hearth_kernels.cu), after cuda_builtins.h.
#include <map>
#include <string_view>
#include <utility>

#include "cuda_builtins.h"
#include "hearth_kernels.cu"
#include "kernel_table.h"

namespace hearth::cuda_emulator {
namespace {

template <auto Function, typename... Parameters, std::size_t... I>
void call_with(void** parameters, std::index_sequence<I...>) {
    Function(*static_cast<Parameters*>(parameters[I])...);
}

template <auto Function, typename... Parameters>
Kernel kernel_of(void (*)(Parameters...)) {
    return {{sizeof(Parameters)...}, [](void** parameters) {
                call_with<Function, Parameters...>(parameters,
                                                   std::index_sequence_for<Parameters...>{});
            }};
}

template <auto Function>
std::pair<const std::string_view, Kernel> named(std::string_view name) {
    return {name, kernel_of<Function>(Function)};
}

#define HEARTH_KERNEL(name) named<&name>(#name)

std::map<std::string_view, Kernel> every_kernel() {
    std::map<std::string_view, Kernel> kernels = {
        HEARTH_KERNEL(f32_vector_add),    HEARTH_KERNEL(f32_rms_norm),
        HEARTH_KERNEL(attention_combine), HEARTH_KERNEL(route_experts),
        HEARTH_KERNEL(group_experts),     HEARTH_KERNEL(expert_combine),
        HEARTH_KERNEL(sample_partials),   HEARTH_KERNEL(sample_cut),
        HEARTH_KERNEL(sample_kept),       HEARTH_KERNEL(sample_pick),
        HEARTH_KERNEL(bandwidth_read),    HEARTH_KERNEL(bandwidth_copy),
        HEARTH_KERNEL(quantize_q8),
    };
    // Every name kernel_names.cpp makes for a weight format.
#define HEARTH_FORMAT_KERNELS(format_name, format)                                                 \
    kernels.insert({HEARTH_KERNEL(embed_##format_name),                                            \
                    HEARTH_KERNEL(matvec_##format_name##_project),                                 \
                    HEARTH_KERNEL(matvec_##format_name##_project_add),                             \
                    HEARTH_KERNEL(matvec_##format_name##_expert_gate_up),                          \
                    HEARTH_KERNEL(matvec_##format_name##_expert_down_add),                         \
                    HEARTH_KERNEL(matvec_norm_##format_name##_project),                            \
                    HEARTH_KERNEL(matvec_norm_##format_name##_expert_gate_up),                     \
                    HEARTH_KERNEL(matvec_norm_##format_name##_route),                              \
                    HEARTH_KERNEL(matvec_norm_##format_name##_route_quantizing),                   \
                    HEARTH_KERNEL(matmul_##format_name##_project),                                 \
                    HEARTH_KERNEL(matmul_##format_name##_project_add),                             \
                    HEARTH_KERNEL(matmul_##format_name##_expert_gate_up),                          \
                    HEARTH_KERNEL(matmul_##format_name##_expert_down)});
    HEARTH_FOR_EACH_WEIGHT_FORMAT(HEARTH_FORMAT_KERNELS)
#undef HEARTH_FORMAT_KERNELS
#define HEARTH_INT8_KERNELS(format_name, format)                                                   \
    kernels.insert({HEARTH_KERNEL(matvec_int8_##format_name##_expert_gate_up),                     \
                    HEARTH_KERNEL(matvec_int8_##format_name##_expert_down_add),                    \
                    HEARTH_KERNEL(matvec_int8_##format_name##_expert_gate_up_quantizing)});
    HEARTH_FOR_EACH_BLOCK_WEIGHT_FORMAT(HEARTH_INT8_KERNELS)
#undef HEARTH_INT8_KERNELS
    // Every name kernel_names.cpp makes for a cache format.
#define HEARTH_CACHE_KERNELS(cache_name, cache)                                                    \
    kernels.insert({HEARTH_KERNEL(rope_kv_write_##cache_name),                                     \
                    HEARTH_KERNEL(attention_decode_##cache_name),                                  \
                    HEARTH_KERNEL(attention_step_##cache_name)});
    HEARTH_FOR_EACH_KV_CACHE(HEARTH_CACHE_KERNELS)
#undef HEARTH_CACHE_KERNELS
#define HEARTH_PREFILL_KERNELS(head_dim)                                                           \
    kernels.insert({HEARTH_KERNEL(attention_prefill_f32_##head_dim),                               \
                    HEARTH_KERNEL(attention_prefill_f16_##head_dim),                               \
                    HEARTH_KERNEL(attention_prefill_q8_##head_dim)});
    HEARTH_FOR_EACH_PREFILL_HEAD_DIM(HEARTH_PREFILL_KERNELS)
#undef HEARTH_PREFILL_KERNELS
    return kernels;
}

const std::map<std::string_view, Kernel> kernels = every_kernel();

} // namespace

const Kernel* find_kernel(std::string_view name) {
    const auto found = kernels.find(name);
    return found == kernels.end() ? nullptr : &found->second;
}

} // namespace hearth::cuda_emulator
