// The body of the matvec shaders (matvec.comp, matvec_portable.comp): one token's
// matrix-vector products over repacked weights (layouts in kernel_args.h); a batch's go through
// matmul.comp. A workgroup computes ROWS_PER_GROUP output rows together: every invocation takes
// its share of the columns of all of them at once (consecutive invocations take consecutive
// columns, so a subgroup's loads are contiguous), so a piece of x is read once for all the rows.
// The shares are then summed across the workgroup by the includer's reduce_dots() and read back
// with reduced_dot(): subgroup arithmetic in matvec.comp, a shared-memory tree in
// matvec_portable.comp. MODE picks what a row's result feeds: plain, residual add, or the
// experts the token chose (route_experts.comp). With NORMALIZE_INPUT the workgroup takes x
// through the RMSNorm before it (gain * x / rms(x)): the gains multiply x as it is read, and the
// sum of x^2 comes from the same loads (the invocations read all of x between them), so a decode
// step needs no separate norm dispatch, nor the barrier after it.

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(constant_id = 2) const uint ROWS_PER_GROUP = 2u; // at most MAX_ROWS
layout(constant_id = 3) const uint GROUP_SIZE = 64u;    // invocations, a power of two <= 128
layout(constant_id = 4) const uint NORMALIZE_INPUT = 0u; // 1: x is normalized with `gain`
layout(local_size_x_id = 3) in;

// Shared arrays are sized by these plain constants, never by a specialization constant: Metal
// (MoltenVK) cannot size an array by one, and would then read every use of it as its default.
const uint MAX_ROWS = matvec_max_rows;
// Dot products per workgroup: one per row, in the gate/up mode the up rows' after MAX_ROWS, and
// last the sum of x^2 when normalizing.
const uint SQUARES_DOT = 2u * MAX_ROWS;
const uint MAX_DOTS = SQUARES_DOT + 1u;

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
// The same buffer as 8-byte words: eight values of a Q8_0 row.
layout(std430, binding = 0) readonly buffer Codes2 { uvec2 codes2[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
// Per output row (per expert: [expert][rows], gate/up: [expert][gate rows, up rows]).
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer Input4 { vec4 x4[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// Expert modes: route[slot] = expert, route[slots + slot] = its weight (f32 bits); see
// route_experts.comp. The project modes do not read it.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };
// The norm's gain per column (NORMALIZE_INPUT only; otherwise any buffer, unread).
layout(std430, binding = 6) readonly buffer Gain { float gain[]; };
layout(std430, binding = 6) readonly buffer Gain4 { vec4 gain4[]; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

// Indexing a constant array per invocation can land in slow per-thread memory on some GPUs.
shared float fp4_lut[16];

#include "swiglu.glsl"
#include "weight_element.glsl"

bool gate_up_mode() { return MODE == matvec_expert_gate_up; }

bool dot_used(uint d) {
    if (d == SQUARES_DOT) return NORMALIZE_INPUT != 0u;
    return d % MAX_ROWS < ROWS_PER_GROUP && (d < MAX_ROWS || gate_up_mode());
}

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

// Values of x as the products take them: times the gains when normalizing, the squares of the
// plain values added to `squares`. `col` is the first value's column.
float input_value(float value, uint col, inout float squares) {
    if (NORMALIZE_INPUT == 0u) return value;
    squares += value * value;
    return value * gain[col];
}
vec4 input_values(vec4 values, uint col, inout float squares) {
    if (NORMALIZE_INPUT == 0u) return values;
    squares += dot(values, values);
    return values * gain4[col / 4u];
}

// This invocation's shares of stored rows first_row + r (r < rows) . row x_row of x, at acc[r];
// the squares of the values of x it read are added to `squares`.
float[MAX_ROWS] row_shares(uint first_row, uint rows, uint x_row, inout float squares) {
    float acc[MAX_ROWS];
    for (uint r = 0u; r < MAX_ROWS; ++r) acc[r] = 0.0;
    uint cols = args.cols, t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_f32) {
        for (uint i = t; i < cols; i += GROUP_SIZE) {
            float w[MAX_ROWS];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                w[r] = r < rows ? uintBitsToFloat(codes[(first_row + r) * cols + i]) : 0.0;
            }
            float xi = input_value(x[x_row * cols + i], i, squares);
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) acc[r] += w[r] * xi;
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
            uint at = x_row * cols + 2u * i;
            vec2 xi = vec2(input_value(x[at], 2u * i, squares),
                           input_value(x[at + 1u], 2u * i + 1u, squares));
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) acc[r] += dot(w[r], xi);
        }
    } else {
        // Blocks of 32 values, read in runs of 8: invocation t takes runs t, t + GROUP_SIZE, ...,
        // so a subgroup's loads of x and of each row's codes are contiguous. (An invocation per
        // block spread each of its loads of x over as many cache lines as the subgroup has
        // invocations.) A run of x is loaded once for all the rows. Rows of x start at multiples
        // of 32 (cols is one).
        uint runs = cols / 8u;
        for (uint i = t; i < runs; i += GROUP_SIZE) {
            uvec2 q[MAX_ROWS]; // MXFP4: one word of codes, in x; Q8_0: two
            float scale[MAX_ROWS];
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                uint row = first_row + min(r, rows - 1u), run = row * runs + i;
                q[r] = FORMAT == weight_format_q8_0 ? codes2[run] : uvec2(codes[run], 0u);
                scale[r] = r < rows ? block_scale(run / 4u) : 0.0;
            }
            uint at = (x_row * cols) / 4u + 2u * i;
            vec4 lo = input_values(x4[at], 8u * i, squares);
            vec4 hi = input_values(x4[at + 1u], 8u * i + 4u, squares);
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                float sum = FORMAT == weight_format_q8_0
                                ? q8_word_dot(q[r].x, lo) + q8_word_dot(q[r].y, hi)
                                : fp4_word_dot(q[r].x, lo, hi);
                acc[r] += scale[r] * sum;
            }
        }
    }
    return acc;
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
    uint rows = min(ROWS_PER_GROUP, args.rows - first);

    float dots[MAX_DOTS];
    for (uint d = 0u; d < MAX_DOTS; ++d) dots[d] = 0.0;
    float squares = 0.0, unused_squares = 0.0;
    if (gate_up_mode()) {
        // z: the slot; its expert's gate rows, then its up rows.
        uint expert_first = route[gl_WorkGroupID.z] * 2u * args.rows;
        float[MAX_ROWS] gate = row_shares(expert_first + first, rows, 0u, squares);
        float[MAX_ROWS] up = row_shares(expert_first + args.rows + first, rows, 0u, unused_squares);
        for (uint r = 0u; r < MAX_ROWS; ++r) {
            dots[r] = gate[r];
            dots[MAX_ROWS + r] = up[r];
        }
    } else if (MODE == matvec_expert_down_add) {
        // The route weights scale the shares, so one sum per row covers every slot.
        for (uint s = 0u; s < args.slots; ++s) {
            float weight = uintBitsToFloat(route[args.slots + s]);
            float[MAX_ROWS] shares =
                row_shares(route[s] * args.rows + first, rows, s, unused_squares);
            for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] += weight * shares[r];
        }
    } else {
        float[MAX_ROWS] shares = row_shares(first, rows, 0u, squares);
        for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] = shares[r];
    }
    dots[SQUARES_DOT] = squares;
    reduce_dots(dots);
    // The norm's 1 / rms(x), which the products of gain * x still lack.
    float inverse = NORMALIZE_INPUT != 0u
                        ? inversesqrt(reduced_dot(SQUARES_DOT) / float(args.cols) + args.norm_eps)
                        : 1.0;

    // Invocation r writes row first + r.
    for (uint r = t; r < rows; r += GROUP_SIZE) {
        uint j = first + r;
        if (MODE == matvec_project) {
            y[j] = inverse * reduced_dot(r) + bias[j];
        } else if (MODE == matvec_project_add) {
            y[j] += inverse * reduced_dot(r) + bias[j];
        } else if (gate_up_mode()) {
            uint expert_first = route[gl_WorkGroupID.z] * 2u * args.rows;
            float gate = inverse * reduced_dot(r) + bias[expert_first + j];
            float up = inverse * reduced_dot(MAX_ROWS + r) + bias[expert_first + args.rows + j];
            y[gl_WorkGroupID.z * args.rows + j] = swiglu(gate, up, args.swiglu_limit);
        } else {
            float sum = reduced_dot(r);
            for (uint s = 0u; s < args.slots; ++s) {
                sum += uintBitsToFloat(route[args.slots + s]) * bias[route[s] * args.rows + j];
            }
            y[j] += sum;
        }
    }
}
