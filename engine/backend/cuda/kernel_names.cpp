#include "kernel_names.h"

#include <string>

#include "kernel_args.h"

namespace hearth::cuda {

namespace ka = kernel_args;

std::string format_kernel_suffix(std::uint32_t format) {
    switch (format) {
    case ka::weight_format_f32: return "f32";
    case ka::weight_format_f16: return "f16";
    case ka::weight_format_bf16: return "bf16";
    case ka::weight_format_q8_0: return "q8_0";
    default: return "mxfp4";
    }
}

std::string kv_cache_kernel_suffix(std::uint32_t kv_format) {
    switch (kv_format) {
    case ka::kv_cache_f32: return "f32";
    case ka::kv_cache_q8: return "q8";
    default: return "f16";
    }
}

std::string matvec_kernel_name(std::uint32_t format, std::uint32_t mode, MatVecX input) {
    const char* prefix = input == MatVecX::int8         ? "matvec_int8_"
                         : input == MatVecX::normalized ? "matvec_norm_"
                                                        : "matvec_";
    const std::string name = prefix + format_kernel_suffix(format) + "_";
    switch (mode) {
    case ka::matvec_project: return name + "project";
    case ka::matvec_project_add: return name + "project_add";
    case ka::matvec_expert_gate_up: return name + "expert_gate_up";
    case ka::matvec_expert_down_add: return name + "expert_down_add";
    case ka::matvec_route: return name + "route";
    default: return name + "mode_" + std::to_string(mode); // none: the launch says so
    }
}

std::string matmul_kernel_name(std::uint32_t format, std::uint32_t mode) {
    const std::string name = "matmul_" + format_kernel_suffix(format) + "_";
    switch (mode) {
    case ka::matvec_project: return name + "project";
    case ka::matvec_project_add: return name + "project_add";
    case ka::matvec_expert_gate_up_grouped: return name + "expert_gate_up";
    case ka::matvec_expert_down_grouped: return name + "expert_down";
    default: return name + "mode_" + std::to_string(mode); // none: the launch says so
    }
}

} // namespace hearth::cuda
