// The body of the matvec shaders (matvec.comp, matvec_portable.comp): matrix-vector products over
// repacked weights (layouts in kernel_args.h). A workgroup computes ROWS_PER_GROUP output rows
// together: every invocation takes its share of the columns of all of them at once, so a GPU has
// many independent wide loads in flight per invocation instead of one long chain per row, and
// a block of x is read once for all the rows. The shares are then summed across the workgroup
// by the includer's reduce_dots() and read back with reduced_dot(): subgroup arithmetic in
// matvec.comp, a shared-memory tree in matvec_portable.comp. MODE picks what a row's result feeds
// (plain, residual add, or the experts).

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(constant_id = 2) const uint ROWS_PER_GROUP = 2u; // at most MAX_ROWS
layout(constant_id = 3) const uint GROUP_SIZE = 64u;    // invocations, a power of two <= 128
layout(local_size_x_id = 3) in;

// Shared arrays are sized by these plain constants, never by a specialization constant: Metal
// (MoltenVK) cannot size an array by one, and would then read every use of it as its default.
const uint MAX_ROWS = matvec_max_rows;
const uint MAX_GROUP_SIZE = matvec_max_group_size;
// Dot products per workgroup: a row each, and in gate/up mode the up rows after MAX_ROWS.
const uint MAX_DOTS = 2u * MAX_ROWS;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
// The same buffer as 16-byte words: one MXFP4 block or half a Q8_0 block per load.
layout(std430, binding = 0) readonly buffer Codes4 { uvec4 codes4[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
// Per output row (per expert: [expert][rows], gate/up: [expert][gate rows, up rows]).
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer Input4 { vec4 x4[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// route[slot] = expert, route[slots + slot] = its weight (f32 bits); see route_experts.comp.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

// Indexing a constant array per invocation can land in slow per-thread memory on some GPUs.
shared float fp4_lut[16];

#include "weight_element.glsl"

bool dot_used(uint d) {
    return d % MAX_ROWS < ROWS_PER_GROUP && (d < MAX_ROWS || MODE == matvec_expert_gate_up);
}

// Defined by the includer, with the shared memory they need: sums each used dots[d] over the
// workgroup (a barrier inside), after which reduced_dot(d) is the total of dot d.
void reduce_dots(float dots[MAX_DOTS]);
float reduced_dot(uint d);

float fp4_block_dot(uvec4 q, vec4 xs[8]) {
    float sum = 0.0;
    for (uint w = 0u; w < 4u; ++w) {
        for (uint k = 0u; k < 8u; ++k) {
            sum += fp4_lut[(q[w] >> (4u * k)) & 15u] * xs[2u * w + k / 4u][k % 4u];
        }
    }
    return sum;
}

float q8_words_dot(uvec4 q, vec4 xs[8], uint first) {
    float sum = 0.0;
    for (uint w = 0u; w < 4u; ++w) {
        for (uint k = 0u; k < 4u; ++k) {
            sum += float(bitfieldExtract(int(q[w]), int(8u * k), 8)) * xs[first + w][k];
        }
    }
    return sum;
}

// Shares of this invocation in stored rows first_row + r (r < count) . x[x_base ..].
float[MAX_ROWS] row_shares(uint first_row, uint count, uint x_base) {
    float acc[MAX_ROWS];
    for (uint r = 0u; r < MAX_ROWS; ++r) acc[r] = 0.0;
    uint cols = args.cols, t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_f32) {
        for (uint i = t; i < cols; i += GROUP_SIZE) {
            float xi = x[x_base + i];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                if (r < count) acc[r] += uintBitsToFloat(codes[(first_row + r) * cols + i]) * xi;
            }
        }
    } else if (FORMAT == weight_format_f16 || FORMAT == weight_format_bf16) {
        uint words = cols / 2u;
        for (uint i = t; i < words; i += GROUP_SIZE) {
            vec2 xi = vec2(x[x_base + 2u * i], x[x_base + 2u * i + 1u]);
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                if (r >= count) continue;
                uint word = codes[(first_row + r) * words + i];
                vec2 v = FORMAT == weight_format_f16 ? unpackHalf2x16(word)
                                                     : vec2(bf16_low(word), bf16_high(word));
                acc[r] += dot(v, xi);
            }
        }
    } else {
        // Blocks of 32 values; x_base is a multiple of 32 (a whole row of x per slot).
        uint blocks = cols / 32u;
        for (uint b = t; b < blocks; b += GROUP_SIZE) {
            vec4 xs[8];
            for (uint k = 0u; k < 8u; ++k) xs[k] = x4[x_base / 4u + b * 8u + k];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                if (r >= count) continue;
                uint block = (first_row + r) * blocks + b;
                if (FORMAT == weight_format_q8_0) {
                    float sum = q8_words_dot(codes4[2u * block], xs, 0u) +
                                q8_words_dot(codes4[2u * block + 1u], xs, 4u);
                    acc[r] += uintBitsToFloat(scales[block]) * sum;
                } else {
                    acc[r] += e8m0_scale(block) * fp4_block_dot(codes4[block], xs);
                }
            }
        }
    }
    return acc;
}

float swiglu(float gate, float up) {
    const float alpha = 1.702;
    gate = min(gate, args.swiglu_limit);
    up = clamp(up, -args.swiglu_limit, args.swiglu_limit);
    return gate / (1.0 + exp(-alpha * gate)) * (up + 1.0);
}

void main() {
    uint t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_mxfp4) {
        for (uint i = t; i < 16u; i += GROUP_SIZE) fp4_lut[i] = fp4_values[i];
        barrier();
    }
    // Grids wider than 65535 workgroups fold into y (the unembedding has ~200k rows).
    uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    uint first = group * ROWS_PER_GROUP;
    if (first >= args.rows) return; // the whole workgroup, so no barrier below is left waiting
    uint count = min(ROWS_PER_GROUP, args.rows - first);

    float dots[MAX_DOTS];
    for (uint d = 0u; d < MAX_DOTS; ++d) dots[d] = 0.0;
    uint slot = gl_WorkGroupID.z, expert_first = 0u;
    if (MODE == matvec_project || MODE == matvec_project_add) {
        float[MAX_ROWS] shares = row_shares(first, count, 0u);
        for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] = shares[r];
    } else if (MODE == matvec_expert_gate_up) {
        expert_first = route[slot] * 2u * args.rows;
        float[MAX_ROWS] gate = row_shares(expert_first + first, count, 0u);
        float[MAX_ROWS] up = row_shares(expert_first + args.rows + first, count, 0u);
        for (uint r = 0u; r < MAX_ROWS; ++r) {
            dots[r] = gate[r];
            dots[MAX_ROWS + r] = up[r];
        }
    } else {
        // The route weights scale the shares, so one sum per row covers every slot.
        for (uint s = 0u; s < args.slots; ++s) {
            float weight = uintBitsToFloat(route[args.slots + s]);
            float[MAX_ROWS] shares = row_shares(route[s] * args.rows + first, count, s * args.cols);
            for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] += weight * shares[r];
        }
    }
    reduce_dots(dots);

    // Invocation r writes output row first + r.
    for (uint r = t; r < count; r += GROUP_SIZE) {
        uint j = first + r;
        if (MODE == matvec_project) {
            y[j] = reduced_dot(r) + bias[j];
        } else if (MODE == matvec_project_add) {
            y[j] += reduced_dot(r) + bias[j];
        } else if (MODE == matvec_expert_gate_up) {
            float gate = reduced_dot(r) + bias[expert_first + j];
            float up = reduced_dot(MAX_ROWS + r) + bias[expert_first + args.rows + j];
            y[slot * args.rows + j] = swiglu(gate, up);
        } else {
            float sum = reduced_dot(r);
            for (uint s = 0u; s < args.slots; ++s) {
                sum += uintBitsToFloat(route[args.slots + s]) * bias[route[s] * args.rows + j];
            }
            y[j] += sum;
        }
    }
}
