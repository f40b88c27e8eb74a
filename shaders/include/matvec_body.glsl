// The body of the matvec shaders (matvec.comp, matvec_portable.comp): one token's
// matrix-vector products over repacked weights (layouts in kernel_args.h); a batch's go through
// matmul.comp. A workgroup computes ROWS_PER_GROUP output rows together: every invocation takes
// its share of the columns of all of them at once (consecutive invocations take consecutive
// columns, so a subgroup's loads are contiguous), so a piece of x is read once for all the rows.
// Rows of several sets (gate and up; down's slots) are read in the same pass (row_shares).
// The shares are then summed across the workgroup by the includer's reduce_dots() and read back
// with reduced_dot(): subgroup arithmetic in matvec.comp, a shared-memory tree in
// matvec_portable.comp. MODE picks what a row's result feeds: plain, residual add, the experts
// the token chose, or the router (whose last workgroup to finish then chooses the experts, so a
// step needs no routing dispatch, nor the barrier before it). With NORMALIZE_INPUT the
// workgroup takes x through the RMSNorm before it (gain * x / rms(x)): the gains multiply x as
// it is read, and the sum of x^2 comes from the same loads (the invocations read all of x
// between them), so a decode step needs no separate norm dispatch, nor the barrier after it.
// Defined INPUT_Q8 (matvec_int_dot.comp), x is int8 codes with a scale per block, rows are
// MXFP4 or Q8_0, and the host never asks for the norm. With Q8_OUTPUT a kernel also writes the
// int8 codes (q8_block.glsl) the next int-dot product reads, so that no dispatch of its own does:
// the router those of the x it read (normalized), gate/up those of its output.

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(constant_id = 2) const uint ROWS_PER_GROUP = 2u; // at most MAX_ROWS
layout(constant_id = 3) const uint GROUP_SIZE = 64u;    // invocations, a power of two <= 128
layout(constant_id = 4) const uint NORMALIZE_INPUT = 0u; // 1: x is normalized with `gain`
layout(constant_id = 5) const uint WIDE_UNITS = 0u; // 1: a row is read 16 bytes at a time
// 1: MXFP4 codes are decoded by bit operations (fp4_halves) rather than looked up in a table in
// shared memory, to time the one against the other (the tuning item fp4_bits).
layout(constant_id = 6) const uint FP4_BITS = 0u;
layout(constant_id = 7) const uint Q8_OUTPUT = 0u; // 1: route and gate/up modes write int8 codes
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
// And as 16-byte words (WIDE_UNITS).
layout(std430, binding = 0) readonly buffer Codes4 { uvec4 codes4[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
// Per output row (per expert: [expert][rows], gate/up: [expert][gate rows, up rows]).
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 3) readonly buffer Input4 { vec4 x4[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// y again, coherent, for what one workgroup reads of every workgroup's output: the route mode's
// logits, which its last workgroup reads, and with Q8_OUTPUT gate/up's blocks of rows.
layout(std430, binding = 4) coherent buffer SharedOutput { float shared_y[]; };
// Expert modes: route[slot] = expert, route[slots + slot] = its weight (f32 bits); see
// route_rank.glsl. The route mode writes it (chosen_route); the project modes do not use it.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };
layout(std430, binding = 5) writeonly buffer ChosenRoute { uint chosen_route[]; };
// The norm's gain per column (NORMALIZE_INPUT only; otherwise any buffer, unread).
layout(std430, binding = 6) readonly buffer Gain { float gain[]; };
layout(std430, binding = 6) readonly buffer Gain4 { vec4 gain4[]; };
#ifdef INPUT_Q8
// x's codes, eight to two words, and their scales per 32 values (quantize_q8.comp's layout).
layout(std430, binding = 3) readonly buffer InputCodes { uvec2 x_codes2[]; };
layout(std430, binding = 6) readonly buffer InputScales { float x_scales[]; };
#endif
// Counts of work done, zero before a dispatch and set back to zero by whoever finishes it: the
// route mode's workgroups (arrivals[0]), and with Q8_OUTPUT gate/up's rows per block of 32 of a
// slot's output (otherwise any buffer, unused).
layout(std430, binding = 7) coherent buffer Arrivals { uint arrivals[]; };
// Q8_OUTPUT's codes and their scales (otherwise any buffer, unwritten).
layout(std430, binding = 8) writeonly buffer OutputCodes { uint output_codes[]; };
layout(std430, binding = 9) writeonly buffer OutputScales { float output_scales[]; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

// Indexing a constant array per invocation can land in slow per-thread memory on some GPUs.
shared float fp4_lut[16];

#include "swiglu.glsl"
#include "weight_element.glsl"
#ifdef INPUT_Q8
#include "int_dot.glsl"
#endif

float router_logit(uint expert) { return shared_y[expert]; }
void set_route(uint word, uint value) { chosen_route[word] = value; }
#include "route_rank.glsl"
void set_q8_word(uint word, uint bits) { output_codes[word] = bits; }
void set_q8_scale(uint block, float scale) { output_scales[block] = scale; }
#include "q8_block.glsl"

bool gate_up_mode() { return MODE == matvec_expert_gate_up; }

// Whether x is taken through the norm: never in down's mode, whose slots each have a row of
// their own (the host never asks for it there).
bool normalizing() { return NORMALIZE_INPUT != 0u && MODE != matvec_expert_down_add; }

bool dot_used(uint d) {
    if (d == SQUARES_DOT) return normalizing();
    return d % MAX_ROWS < ROWS_PER_GROUP && (d < MAX_ROWS || gate_up_mode());
}

// Defined by the includer, with the shared memory they need: sums each used dots[d] over the
// workgroup (a barrier inside), after which reduced_dot(d) is the total of dot d.
void reduce_dots(float dots[MAX_DOTS]);
float reduced_dot(uint d);

// Eight values of a row: the nibbles of one word of MXFP4 codes (unscaled) . (lo, hi).
float fp4_word_dot(uint q, vec4 lo, vec4 hi) {
    float sum = 0.0;
    if (FP4_BITS != 0u) {
        for (uint k = 0u; k < 4u; ++k) {
            vec2 values = fp4_halves(q, k);
            sum += values.x * lo[k] + values.y * hi[k];
        }
        return fp4_halves_scale * sum;
    }
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

#ifdef INPUT_Q8
// A run of eight values of a row (unscaled) . the eight codes of x (unscaled): exact in integers.
float piece_int_dot(uvec2 q, uvec2 xq) {
    if (FORMAT == weight_format_q8_0) return float(dot_4x8(q.x, xq.x) + dot_4x8(q.y, xq.y));
    return 0.5 * float(dot_4x8(fp4_doubled(q.x), xq.x) + dot_4x8(fp4_doubled(q.x >> 16), xq.y));
}
#endif

// A row is read in pieces: one value (f32), a word of two (f16, bf16) or a run of eight values
// of a 32-value block (q8_0: two words, mxfp4: one). An invocation reads a unit of a row at a
// time: one piece, or with WIDE_UNITS 16 bytes of pieces (one load instead of up to four, which
// needs rows of a whole number of units: the host checks). Invocation t takes units t,
// t + GROUP_SIZE, ..., so a subgroup's loads of x and of each row's codes are contiguous. (An
// invocation per block spread each of its loads of x over as many cache lines as the subgroup
// has invocations.) (Functions of the specialization constants rather than constants computed
// from them, which would be the shaders' only spec-constant operations: every driver folds a
// function alike.)
uint piece_values() {
    if (FORMAT == weight_format_f32) return 1u;
    return FORMAT == weight_format_f16 || FORMAT == weight_format_bf16 ? 2u : 8u;
}
uint piece_words() { return FORMAT == weight_format_q8_0 ? 2u : 1u; }
uint unit_pieces() { return WIDE_UNITS != 0u ? 4u / piece_words() : 1u; }
uint unit_values() { return unit_pieces() * piece_values(); }

// Unit `unit` of the stored rows: its codes (the words past a narrow unit's are 0), and what
// they are scaled by (a wide unit lies within one 32-value block).
uvec4 unit_codes(uint unit) {
    if (WIDE_UNITS != 0u) return codes4[unit];
    if (FORMAT == weight_format_q8_0) return uvec4(codes2[unit], 0u, 0u);
    return uvec4(codes[unit], 0u, 0u, 0u);
}
float unit_scale(uint unit) {
    uint piece = unit * unit_pieces();
    if (FORMAT == weight_format_q8_0) return uintBitsToFloat(scales[piece / 4u]);
    if (FORMAT == weight_format_mxfp4) return e8m0_scale(piece / 4u);
    return 1.0;
}
// Piece `piece` of a unit's codes.
uvec2 piece_codes(uvec4 q, uint piece) {
    if (FORMAT == weight_format_q8_0) return piece == 0u ? q.xy : q.zw;
    return uvec2(q[piece], 0u);
}

// The piece of values at element `at` of x (gains false) or of the gains (true), in lo (and hi
// for a run of eight); the lanes past a piece's values are 0. Rows of x start at multiples of
// 32 values for the block formats (cols is one) and of 2 for f16 and bf16.
float value_at(bool gains, uint at) { return gains ? gain[at] : x[at]; }
vec4 quad_at(bool gains, uint at) { return gains ? gain4[at / 4u] : x4[at / 4u]; }
void piece_at(bool gains, uint at, out vec4 lo, out vec4 hi) {
    hi = vec4(0.0);
    if (piece_values() == 1u) {
        lo = vec4(value_at(gains, at), 0.0, 0.0, 0.0);
    } else if (piece_values() == 2u) {
        lo = vec4(value_at(gains, at), value_at(gains, at + 1u), 0.0, 0.0);
    } else {
        lo = quad_at(gains, at);
        hi = quad_at(gains, at + 4u);
    }
}

// A piece's codes (unscaled) . its values of x.
float piece_dot(uvec2 q, vec4 lo, vec4 hi) {
    if (FORMAT == weight_format_f32) return uintBitsToFloat(q.x) * lo.x;
    if (FORMAT == weight_format_f16) return dot(unpackHalf2x16(q.x), lo.xy);
    if (FORMAT == weight_format_bf16) return dot(vec2(bf16_low(q.x), bf16_high(q.x)), lo.xy);
    if (FORMAT == weight_format_q8_0) return q8_word_dot(q.x, lo) + q8_word_dot(q.y, hi);
    return fp4_word_dot(q.x, lo, hi);
}

// Sets of rows that one pass over x reads together, so that all their loads are in flight at
// once: gate/up's gate rows and up rows; down's slots, MAX_SETS at a time; else one.
const uint MAX_SETS = 4u;
uint sets() {
    if (MODE == matvec_expert_gate_up) return 2u;
    return MODE == matvec_expert_down_add ? MAX_SETS : 1u;
}
// Down's slots each read their own row of x; every other mode's sets read the same one.
bool one_x_row() { return MODE != matvec_expert_down_add; }

// This invocation's shares, for each set s < sets(), of stored rows first_rows[s] + r
// (r < rows) . row x_rows[s] of x, at acc[s * MAX_ROWS + r]. When normalizing, x is taken times
// the gains, and the squares of the values of x it read are added to `squares`.
void row_shares(uint first_rows[MAX_SETS], uint x_rows[MAX_SETS], uint rows,
                out float acc[MAX_SETS * MAX_ROWS], inout float squares) {
    for (uint a = 0u; a < MAX_SETS * MAX_ROWS; ++a) acc[a] = 0.0;
    uint units = args.cols / unit_values();
    for (uint i = gl_LocalInvocationID.x; i < units; i += GROUP_SIZE) {
        // Every load of codes of the step first. Rows past `rows` read the last one again (no
        // load of codes is conditional) and count for nothing.
        uvec4 q[MAX_SETS * MAX_ROWS];
        float scale[MAX_SETS * MAX_ROWS];
        for (uint s = 0u; s < sets(); ++s) {
            for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                uint unit = (first_rows[s] + min(r, rows - 1u)) * units + i;
                q[s * MAX_ROWS + r] = unit_codes(unit);
                scale[s * MAX_ROWS + r] = r < rows ? unit_scale(unit) : 0.0;
            }
        }
        for (uint piece = 0u; piece < unit_pieces(); ++piece) {
            uint at = (i * unit_pieces() + piece) * piece_values(); // in a row of x
#ifdef INPUT_Q8
            uvec2 codes_of_x[MAX_SETS];
            float scale_of_x[MAX_SETS];
            for (uint s = 0u; s < sets(); ++s) {
                if (s == 0u || !one_x_row()) {
                    uint value = x_rows[s] * args.cols + at;
                    codes_of_x[s] = x_codes2[value / 8u];
                    scale_of_x[s] = x_scales[value / 32u];
                }
            }
            for (uint s = 0u; s < sets(); ++s) {
                uint xs = one_x_row() ? 0u : s;
                for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                    uint a = s * MAX_ROWS + r;
                    acc[a] += scale[a] * scale_of_x[xs] *
                              piece_int_dot(piece_codes(q[a], piece), codes_of_x[xs]);
                }
            }
#else
            vec4 lo[MAX_SETS], hi[MAX_SETS];
            for (uint s = 0u; s < sets(); ++s) {
                if (s == 0u || !one_x_row()) {
                    piece_at(false, x_rows[s] * args.cols + at, lo[s], hi[s]);
                }
            }
            if (normalizing()) {
                squares += dot(lo[0], lo[0]) + dot(hi[0], hi[0]);
                vec4 gain_lo, gain_hi;
                piece_at(true, at, gain_lo, gain_hi);
                lo[0] *= gain_lo;
                hi[0] *= gain_hi;
            }
            for (uint s = 0u; s < sets(); ++s) {
                uint xs = one_x_row() ? 0u : s;
                for (uint r = 0u; r < ROWS_PER_GROUP && r < MAX_ROWS; ++r) {
                    uint a = s * MAX_ROWS + r;
                    acc[a] += scale[a] * piece_dot(piece_codes(q[a], piece), lo[xs], hi[xs]);
                }
            }
#endif
        }
    }
}

// Workgroups of the dispatch that compute rows (each ROWS_PER_GROUP but the last).
uint row_groups() { return (args.rows + ROWS_PER_GROUP - 1u) / ROWS_PER_GROUP; }

// The route mode's ending: the workgroup that finishes last, once every workgroup's logits have
// reached the device, chooses the experts from them.
shared bool last_to_finish;
void choose_experts_when_last(uint t) {
    memoryBarrierBuffer();
    barrier();
    if (t == 0u) last_to_finish = atomicAdd(arrivals[0], 1u) == row_groups() - 1u;
    barrier();
    if (!last_to_finish) return;
    memoryBarrierBuffer();
    if (t == 0u) arrivals[0] = 0u;
    choose_experts(args.rows, args.slots, t, GROUP_SIZE);
}

// The route mode's codes of x as the products read it (times the norm's gains and `inverse`
// where normalizing): the workgroups share the blocks, an invocation each.
void quantize_input(uint group, float inverse, uint t) {
    for (uint block = group * GROUP_SIZE + t; block < args.cols / 32u;
         block += row_groups() * GROUP_SIZE) {
        float v[32];
        for (uint i = 0u; i < 32u; ++i) {
            uint at = 32u * block + i;
            v[i] = normalizing() ? gain[at] * (x[at] * inverse) : x[at];
        }
        quantize_block(v, block);
    }
}

// Gate/up's ending with Q8_OUTPUT: each block of 32 rows of a slot's output counts the rows
// written into it, and the workgroup whose rows complete the count, once every workgroup's rows
// have reached the device, reads the block back and writes its codes. A workgroup's rows (at
// most MAX_ROWS) touch at most two blocks.
shared uint completed_blocks; // bit k: the k-th block this workgroup touches
void quantize_completed_blocks(uint first, uint rows, uint t) {
    memoryBarrierBuffer();
    barrier();
    uint first_block = first / 32u, blocks = (first + rows - 1u) / 32u - first_block + 1u;
    uint slot_blocks = gl_WorkGroupID.z * (args.rows / 32u);
    if (t == 0u) {
        uint completed = 0u;
        for (uint k = 0u; k < blocks; ++k) {
            uint begin = 32u * (first_block + k);
            uint written = min(first + rows, begin + 32u) - max(first, begin);
            uint counted = atomicAdd(arrivals[slot_blocks + first_block + k], written) + written;
            if (counted == 32u) completed |= 1u << k;
        }
        completed_blocks = completed;
    }
    barrier();
    memoryBarrierBuffer();
    for (uint k = t; k < blocks; k += GROUP_SIZE) {
        if ((completed_blocks & (1u << k)) == 0u) continue;
        uint block = slot_blocks + first_block + k;
        arrivals[block] = 0u;
        float v[32];
        for (uint i = 0u; i < 32u; ++i) v[i] = shared_y[32u * block + i];
        quantize_block(v, block);
    }
}

void main() {
    uint t = gl_LocalInvocationID.x;
    // MXFP4's table: the int8 shader's bytes (int_dot.glsl), or the values unless decoded by bits.
#ifdef INPUT_Q8
    bool fp4_table = true;
#else
    bool fp4_table = FP4_BITS == 0u;
#endif
    if (FORMAT == weight_format_mxfp4 && fp4_table) {
        for (uint i = t; i < 16u; i += GROUP_SIZE) {
#ifdef INPUT_Q8
            fp4_bytes[i] = fp4_byte(i);
#else
            fp4_lut[i] = fp4_values[i];
#endif
        }
        barrier();
    }
    // Grids wider than 65535 workgroups fold into y (the unembedding has ~200k rows).
    uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    uint first = group * ROWS_PER_GROUP;
    if (first >= args.rows) return; // the whole workgroup, so no barrier below is left waiting
    uint rows = min(ROWS_PER_GROUP, args.rows - first);

    float dots[MAX_DOTS];
    for (uint d = 0u; d < MAX_DOTS; ++d) dots[d] = 0.0;
    float squares = 0.0;
    uint first_rows[MAX_SETS], x_rows[MAX_SETS];
    for (uint s = 0u; s < MAX_SETS; ++s) first_rows[s] = x_rows[s] = 0u;
    float acc[MAX_SETS * MAX_ROWS];
    if (gate_up_mode()) {
        // z: the slot; its expert's gate rows, then its up rows.
        uint expert_first = route[gl_WorkGroupID.z] * 2u * args.rows;
        first_rows[0] = expert_first + first;
        first_rows[1] = expert_first + args.rows + first;
        row_shares(first_rows, x_rows, rows, acc, squares);
        for (uint r = 0u; r < MAX_ROWS; ++r) {
            dots[r] = acc[r];
            dots[MAX_ROWS + r] = acc[MAX_ROWS + r];
        }
    } else if (MODE == matvec_expert_down_add) {
        // The route weights scale the shares, so one sum per row covers every slot. Slots past
        // the last of a pass read the last one again, with no weight.
        for (uint pass = 0u; pass < args.slots; pass += MAX_SETS) {
            for (uint s = 0u; s < MAX_SETS; ++s) {
                x_rows[s] = min(pass + s, args.slots - 1u);
                first_rows[s] = route[x_rows[s]] * args.rows + first;
            }
            row_shares(first_rows, x_rows, rows, acc, squares);
            for (uint s = 0u; s < MAX_SETS; ++s) {
                float weight =
                    pass + s < args.slots ? uintBitsToFloat(route[args.slots + pass + s]) : 0.0;
                for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] += weight * acc[s * MAX_ROWS + r];
            }
        }
    } else {
        first_rows[0] = first;
        row_shares(first_rows, x_rows, rows, acc, squares);
        for (uint r = 0u; r < MAX_ROWS; ++r) dots[r] = acc[r];
    }
    dots[SQUARES_DOT] = squares;
    reduce_dots(dots);
    // The norm's 1 / rms(x), which the products of gain * x still lack.
    float inverse = normalizing()
                        ? inversesqrt(reduced_dot(SQUARES_DOT) / float(args.cols) + args.norm_eps)
                        : 1.0;

    if (MODE == matvec_route && Q8_OUTPUT != 0u) quantize_input(group, inverse, t);
    // Invocation r writes row first + r.
    for (uint r = t; r < rows; r += GROUP_SIZE) {
        uint j = first + r;
        if (MODE == matvec_project) {
            y[j] = inverse * reduced_dot(r) + bias[j];
        } else if (MODE == matvec_route) {
            shared_y[j] = inverse * reduced_dot(r) + bias[j];
        } else if (MODE == matvec_project_add) {
            y[j] += inverse * reduced_dot(r) + bias[j];
        } else if (gate_up_mode()) {
            uint expert_first = route[gl_WorkGroupID.z] * 2u * args.rows;
            float gate = inverse * reduced_dot(r) + bias[expert_first + j];
            float up = inverse * reduced_dot(MAX_ROWS + r) + bias[expert_first + args.rows + j];
            float activation = swiglu(gate, up, args.swiglu_limit);
            if (Q8_OUTPUT != 0u) {
                shared_y[gl_WorkGroupID.z * args.rows + j] = activation;
            } else {
                y[gl_WorkGroupID.z * args.rows + j] = activation;
            }
        } else {
            float sum = reduced_dot(r);
            for (uint s = 0u; s < args.slots; ++s) {
                sum += uintBitsToFloat(route[args.slots + s]) * bias[route[s] * args.rows + j];
            }
            y[j] += sum;
        }
    }
    if (MODE == matvec_route) choose_experts_when_last(t);
    if (gate_up_mode() && Q8_OUTPUT != 0u) quantize_completed_blocks(first, rows, t);
}
