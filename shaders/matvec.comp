#version 450
// Matrix-vector products where the device has subgroup arithmetic: each subgroup computes a row
// and sums it without barriers or shared memory. See include/matvec_body.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#include "kernel_args.h"

// Some drivers (Intel's) report a gl_SubgroupSize wider than the subgroups they actually run;
// the lanes present are counted instead (in main(), in uniform control flow).
uint active_lanes;
void count_team() { active_lanes = subgroupAdd(1u); }
uint team_lane() { return gl_SubgroupInvocationID; }
uint team_size() { return active_lanes; }
uint team_index() { return gl_SubgroupID; }
uint team_count() { return gl_NumSubgroups; }
float team_sum(float value) { return subgroupAdd(value); }

#include "matvec_body.glsl"
