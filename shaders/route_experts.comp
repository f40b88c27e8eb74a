#version 450
// Each token's (x) experts, for a batch (one token's router chooses them itself, in
// matvec_body.glsl): route_rank.glsl over the token's row of router logits, into its row of
// 2 * chosen route words.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) writeonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { RouteArgs args; };

float router_logit(uint expert) { return logits[gl_WorkGroupID.x * args.experts + expert]; }
void set_route(uint word, uint value) { route[gl_WorkGroupID.x * 2u * args.chosen + word] = value; }

#include "route_rank.glsl"

void main() { choose_experts(args.experts, args.chosen, gl_LocalInvocationID.x, 64u); }
