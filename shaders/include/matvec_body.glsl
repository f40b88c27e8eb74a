// The body of the matvec shaders (matvec.comp, matvec_portable.comp): matrix-vector products over
// repacked weights (layouts in kernel_args.h). A workgroup computes ROWS_PER_GROUP output rows;
// a "team" of invocations computes one row at a time and sums its shares with team_sum(): a
// subgroup in matvec.comp, the whole workgroup (through shared memory) in matvec_portable.comp.
// MODE picks what a row's result feeds (plain, residual add, or the experts).
// The includer defines count_team() (called first), team_lane(), team_size(), team_index(),
// team_count() and team_sum().

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(constant_id = 2) const uint ROWS_PER_GROUP = 8u;
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
// Per output row (per expert: [expert][rows], gate/up: [expert][gate rows, up rows]).
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// route[slot] = expert, route[slots + slot] = its weight (f32 bits); see route_experts.comp.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

#include "weight_element.glsl"

// This invocation's share of stored row `row` . x[x_base ..]; the team sums the shares.
float partial_dot(uint row, uint x_base) {
    uint cols = args.cols, t = team_lane(), step = team_size();
    float sum = 0.0;
    if (FORMAT == weight_format_f32) {
        for (uint i = t; i < cols; i += step) sum += uintBitsToFloat(codes[row * cols + i]) * x[x_base + i];
    } else if (FORMAT == weight_format_f16 || FORMAT == weight_format_bf16) {
        uint words = cols / 2u;
        for (uint i = t; i < words; i += step) {
            uint word = codes[row * words + i];
            vec2 v = FORMAT == weight_format_f16 ? unpackHalf2x16(word)
                                                 : vec2(bf16_low(word), bf16_high(word));
            sum += v.x * x[x_base + 2u * i] + v.y * x[x_base + 2u * i + 1u];
        }
    } else if (FORMAT == weight_format_q8_0) {
        uint blocks = cols / 32u;
        for (uint b = t; b < blocks; b += step) {
            uint block = row * blocks + b, xb = x_base + b * 32u;
            float block_sum = 0.0;
            for (uint w = 0u; w < 8u; ++w) {
                uint word = codes[block * 8u + w];
                for (uint k = 0u; k < 4u; ++k) {
                    int q = int(word << (24u - 8u * k)) >> 24;
                    block_sum += float(q) * x[xb + 4u * w + k];
                }
            }
            sum += uintBitsToFloat(scales[block]) * block_sum;
        }
    } else {
        uint blocks = cols / 32u;
        for (uint b = t; b < blocks; b += step) {
            uint block = row * blocks + b, xb = x_base + b * 32u;
            float block_sum = 0.0;
            for (uint w = 0u; w < 4u; ++w) {
                uint word = codes[block * 4u + w];
                for (uint k = 0u; k < 8u; ++k) {
                    block_sum += fp4_values[(word >> (4u * k)) & 15u] * x[xb + 8u * w + k];
                }
            }
            sum += e8m0_scale(block) * block_sum;
        }
    }
    return sum;
}

float row_dot(uint row, uint x_base) { return team_sum(partial_dot(row, x_base)); }

float swiglu(float gate, float up) {
    const float alpha = 1.702;
    gate = min(gate, args.swiglu_limit);
    up = clamp(up, -args.swiglu_limit, args.swiglu_limit);
    return gate / (1.0 + exp(-alpha * gate)) * (up + 1.0);
}

// Output row j: its dot products, and what they feed.
void compute_row(uint j) {
    bool writer = team_lane() == 0u;
    if (MODE == matvec_project || MODE == matvec_project_add) {
        float value = row_dot(j, 0u) + bias[j];
        if (writer) y[j] = MODE == matvec_project ? value : y[j] + value;
    } else if (MODE == matvec_expert_gate_up) {
        uint slot = gl_WorkGroupID.z;
        uint first = route[slot] * 2u * args.rows;
        float gate = row_dot(first + j, 0u) + bias[first + j];
        float up = row_dot(first + args.rows + j, 0u) + bias[first + args.rows + j];
        if (writer) y[slot * args.rows + j] = swiglu(gate, up);
    } else {
        float sum = 0.0;
        for (uint slot = 0u; slot < args.slots; ++slot) {
            uint row = route[slot] * args.rows + j;
            float weight = uintBitsToFloat(route[args.slots + slot]);
            sum += weight * (row_dot(row, slot * args.cols) + bias[row]);
        }
        if (writer) y[j] += sum;
    }
}

void main() {
    count_team();
    // Grids wider than 65535 workgroups fold into y (the unembedding has ~200k rows).
    uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    uint first = group * ROWS_PER_GROUP;
    // Every team runs the same number of iterations (the portable team_sum has barriers).
    for (uint r = team_index(); r < ROWS_PER_GROUP; r += team_count()) {
        if (first + r >= args.rows) break;
        compute_row(first + r);
    }
}
