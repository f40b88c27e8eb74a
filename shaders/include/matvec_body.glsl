// The body of the matvec shaders (matvec.comp, matvec_portable.comp): matrix-vector products over
// repacked weights (layouts in kernel_args.h), for one token or several. A workgroup computes
// ROWS_PER_GROUP output rows for TOKENS_PER_GROUP tokens ("entries") together: every invocation
// takes its share of the columns of all of them at once (consecutive invocations take
// consecutive columns, so a subgroup's loads are contiguous); a piece of a weight row is read
// once for all the entries and a piece of x once for all the rows. The shares are then summed across the workgroup by the
// includer's reduce_dots() and read back with reduced_dot(): subgroup arithmetic in matvec.comp,
// a shared-memory tree in matvec_portable.comp. MODE picks the entries and what a row's result
// feeds (plain, residual add, or the experts: one token's chosen experts when decoding, or per
// expert the tokens of a batch that chose it, listed by group_experts.comp).

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(constant_id = 2) const uint ROWS_PER_GROUP = 2u; // at most MAX_ROWS
layout(constant_id = 3) const uint GROUP_SIZE = 64u;    // invocations, a power of two <= 128
layout(local_size_x_id = 3) in;
// At most MAX_TOKENS, and ROWS_PER_GROUP * TOKENS_PER_GROUP at most MAX_PAIRS; 1 in the
// one-token expert modes.
layout(constant_id = 4) const uint TOKENS_PER_GROUP = 1u;

// Shared arrays are sized by these plain constants, never by a specialization constant: Metal
// (MoltenVK) cannot size an array by one, and would then read every use of it as its default.
const uint MAX_ROWS = matvec_max_rows;
const uint MAX_TOKENS = matvec_max_tokens;
const uint MAX_PAIRS = matvec_max_pairs;
const uint PAIRS = ROWS_PER_GROUP * TOKENS_PER_GROUP;
// Dot products per workgroup: one per (row, entry) pair, pair r * TOKENS_PER_GROUP + e, and in
// the gate/up modes the up rows' after MAX_PAIRS.
const uint MAX_DOTS = 2u * MAX_PAIRS;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
// The same buffer as 8-byte words: eight values of a Q8_0 row.
layout(std430, binding = 0) readonly buffer Codes2 { uvec2 codes2[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
// Per output row (per expert: [expert][rows], gate/up: [expert][gate rows, up rows]).
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer Input4 { vec4 x4[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// One-token expert modes: route[slot] = expert, route[slots + slot] = its weight (f32 bits); see
// route_experts.comp. Grouped modes: per expert the number of entries, then per expert
// `group_capacity` entries token * slots + slot (group_experts.comp). The project modes bind the
// step's header instead: workgroups past its token count have nothing to do.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };
layout(std430, binding = 5) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

// Indexing a constant array per invocation can land in slow per-thread memory on some GPUs.
shared float fp4_lut[16];

#include "weight_element.glsl"

bool gate_up_mode() {
    return MODE == matvec_expert_gate_up || MODE == matvec_expert_gate_up_grouped;
}

bool dot_used(uint d) { return d % MAX_PAIRS < PAIRS && (d < MAX_PAIRS || gate_up_mode()); }

// Defined by the includer, with the shared memory they need: sums each used dots[d] over the
// workgroup (a barrier inside), after which reduced_dot(d) is the total of dot d.
void reduce_dots(float dots[MAX_DOTS]);
float reduced_dot(uint d);

// Eight values of a row: the nibbles of one word of MXFP4 codes (unscaled) . (lo, hi).
float fp4_word_dot(uint q, vec4 lo, vec4 hi) {
    float sum = 0.0;
    for (uint k = 0u; k < 4u; ++k) sum += fp4_lut[(q >> (4u * k)) & 15u] * lo[k];
    for (uint k = 0u; k < 4u; ++k) sum += fp4_lut[(q >> (4u * k + 16u)) & 15u] * hi[k];
    return sum;
}

// Four values of a row: one word of Q8_0 codes (unscaled) . x.
float q8_word_dot(uint q, vec4 x) {
    float sum = 0.0;
    for (uint k = 0u; k < 4u; ++k) sum += float(bitfieldExtract(int(q), int(8u * k), 8)) * x[k];
    return sum;
}

float block_scale(uint block) {
    return FORMAT == weight_format_q8_0 ? uintBitsToFloat(scales[block]) : e8m0_scale(block);
}

// This invocation's shares of stored rows first_row + r (r < rows) . the entries' rows of x
// (x_rows[e], e < entries), at acc[r * TOKENS_PER_GROUP + e].
float[MAX_PAIRS] row_shares(uint first_row, uint rows, uint x_rows[MAX_TOKENS], uint entries) {
    float acc[MAX_PAIRS];
    for (uint p = 0u; p < MAX_PAIRS; ++p) acc[p] = 0.0;
    uint cols = args.cols, t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_f32) {
        for (uint i = t; i < cols; i += GROUP_SIZE) {
            float w[MAX_ROWS];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                w[r] = r < rows ? uintBitsToFloat(codes[(first_row + r) * cols + i]) : 0.0;
            }
            for (uint e = 0u; e < TOKENS_PER_GROUP && e < MAX_TOKENS; ++e) {
                if (e >= entries) break;
                float xi = x[x_rows[e] * cols + i];
                for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                    acc[r * TOKENS_PER_GROUP + e] += w[r] * xi;
                }
            }
        }
    } else if (FORMAT == weight_format_f16 || FORMAT == weight_format_bf16) {
        uint words = cols / 2u;
        for (uint i = t; i < words; i += GROUP_SIZE) {
            vec2 w[MAX_ROWS];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                uint word = r < rows ? codes[(first_row + r) * words + i] : 0u;
                w[r] = FORMAT == weight_format_f16 ? unpackHalf2x16(word)
                                                   : vec2(bf16_low(word), bf16_high(word));
            }
            for (uint e = 0u; e < TOKENS_PER_GROUP && e < MAX_TOKENS; ++e) {
                if (e >= entries) break;
                uint at = x_rows[e] * cols + 2u * i;
                vec2 xi = vec2(x[at], x[at + 1u]);
                for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                    acc[r * TOKENS_PER_GROUP + e] += dot(w[r], xi);
                }
            }
        }
    } else {
        // Blocks of 32 values, read in runs of 8: invocation t takes runs t, t + GROUP_SIZE, ...,
        // so a subgroup's loads of x and of each row's codes are contiguous. (An invocation per
        // block spread each of its loads of x over as many cache lines as the subgroup has
        // invocations.) A run's codes are loaded once for all the entries, and an entry's x once
        // for all the rows. Rows of x start at multiples of 32 (cols is one).
        uint runs = cols / 8u;
        for (uint i = t; i < runs; i += GROUP_SIZE) {
            uvec2 q[MAX_ROWS]; // MXFP4: one word of codes, in x; Q8_0: two
            float scale[MAX_ROWS];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                uint row = first_row + min(r, rows - 1u), run = row * runs + i;
                q[r] = FORMAT == weight_format_q8_0 ? codes2[run] : uvec2(codes[run], 0u);
                scale[r] = r < rows ? block_scale(run / 4u) : 0.0;
            }
            for (uint e = 0u; e < TOKENS_PER_GROUP && e < MAX_TOKENS; ++e) {
                if (e >= entries) break;
                uint at = (x_rows[e] * cols) / 4u + 2u * i;
                vec4 lo = x4[at], hi = x4[at + 1u];
                for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                    float sum = FORMAT == weight_format_q8_0
                                    ? q8_word_dot(q[r].x, lo) + q8_word_dot(q[r].y, hi)
                                    : fp4_word_dot(q[r].x, lo, hi);
                    acc[r * TOKENS_PER_GROUP + e] += scale[r] * sum;
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
    bool grouped = MODE == matvec_expert_gate_up_grouped || MODE == matvec_expert_down_grouped;
    // Grids wider than 65535 workgroups fold into y (the unembedding has ~200k rows); the
    // grouped modes take their work item from y.
    uint group = gl_WorkGroupID.x + (grouped ? 0u : gl_WorkGroupID.y * gl_NumWorkGroups.x);
    uint first = group * ROWS_PER_GROUP;
    if (first >= args.rows) return; // the whole workgroup, so no barrier below is left waiting
    uint rows = min(ROWS_PER_GROUP, args.rows - first);

    // The entries: which rows of x they read and of y they write, and the expert.
    uint x_rows[MAX_TOKENS], y_rows[MAX_TOKENS];
    uint entries = TOKENS_PER_GROUP, expert = 0u;
    if (MODE == matvec_project || MODE == matvec_project_add) {
        uint from = gl_WorkGroupID.z * TOKENS_PER_GROUP;
        if (from >= step.count) return; // the whole workgroup again
        entries = min(TOKENS_PER_GROUP, step.count - from);
        for (uint e = 0u; e < MAX_TOKENS; ++e) {
            x_rows[e] = from + min(e, entries - 1u);
            y_rows[e] = x_rows[e];
        }
    } else if (MODE == matvec_expert_gate_up) {
        x_rows[0] = 0u;
        y_rows[0] = gl_WorkGroupID.z; // the slot
        expert = route[gl_WorkGroupID.z];
    } else if (grouped) {
        // y: an item of group_experts.comp's work list, sized for the most a batch can need.
        uint work = args.experts * (1u + args.group_capacity);
        if (gl_WorkGroupID.y >= route[work]) return; // the whole workgroup again
        uint item = route[work + 1u + gl_WorkGroupID.y];
        expert = item >> 16;
        uint listed = route[expert], from = (item & 0xFFFFu) * TOKENS_PER_GROUP;
        entries = min(TOKENS_PER_GROUP, listed - from);
        for (uint e = 0u; e < MAX_TOKENS; ++e) {
            uint entry = route[args.experts + expert * args.group_capacity + from +
                               min(e, entries - 1u)];
            // gate/up reads the token's row of h; down reads the entry's own activations.
            x_rows[e] = MODE == matvec_expert_gate_up_grouped ? entry / args.slots : entry;
            y_rows[e] = entry;
        }
    }

    float dots[MAX_DOTS];
    for (uint d = 0u; d < MAX_DOTS; ++d) dots[d] = 0.0;
    if (gate_up_mode()) {
        uint expert_first = expert * 2u * args.rows;
        float[MAX_PAIRS] gate = row_shares(expert_first + first, rows, x_rows, entries);
        float[MAX_PAIRS] up = row_shares(expert_first + args.rows + first, rows, x_rows, entries);
        for (uint p = 0u; p < MAX_PAIRS; ++p) {
            dots[p] = gate[p];
            dots[MAX_PAIRS + p] = up[p];
        }
    } else if (MODE == matvec_expert_down_add) {
        // One token: the route weights scale the shares, so one sum per row covers every slot.
        for (uint s = 0u; s < args.slots; ++s) {
            float weight = uintBitsToFloat(route[args.slots + s]);
            x_rows[0] = s;
            float[MAX_PAIRS] shares = row_shares(route[s] * args.rows + first, rows, x_rows, 1u);
            for (uint p = 0u; p < MAX_PAIRS; ++p) dots[p] += weight * shares[p];
        }
    } else {
        uint first_row = MODE == matvec_expert_down_grouped ? expert * args.rows + first : first;
        float[MAX_PAIRS] shares = row_shares(first_row, rows, x_rows, entries);
        for (uint p = 0u; p < MAX_PAIRS; ++p) dots[p] = shares[p];
    }
    reduce_dots(dots);

    // Invocation p writes pair p: row first + p / TOKENS_PER_GROUP of entry p % TOKENS_PER_GROUP.
    for (uint p = t; p < PAIRS; p += GROUP_SIZE) {
        uint r = p / TOKENS_PER_GROUP, e = p % TOKENS_PER_GROUP;
        if (r >= rows || e >= entries) continue;
        uint j = first + r, at = y_rows[e] * args.rows + j;
        if (MODE == matvec_project) {
            y[at] = reduced_dot(p) + bias[j];
        } else if (MODE == matvec_project_add) {
            y[at] += reduced_dot(p) + bias[j];
        } else if (gate_up_mode()) {
            uint expert_first = expert * 2u * args.rows;
            float gate = reduced_dot(p) + bias[expert_first + j];
            float up = reduced_dot(MAX_PAIRS + p) + bias[expert_first + args.rows + j];
            y[at] = swiglu(gate, up);
        } else if (MODE == matvec_expert_down_grouped) {
            y[at] = reduced_dot(p) + bias[expert * args.rows + j];
        } else {
            float sum = reduced_dot(p);
            for (uint s = 0u; s < args.slots; ++s) {
                sum += uintBitsToFloat(route[args.slots + s]) * bias[route[s] * args.rows + j];
            }
            y[j] += sum;
        }
    }
}
