#version 450
// Matrix-matrix products for a batch of tokens (prefill), in the batch modes of kernel_args.h:
// the plain projections (a row of x per token) and the grouped experts (per expert the entries
// that chose it, listed by group_experts.comp). A workgroup computes a tile of
// TILE_ROWS stored rows by TILE_TOKENS entries. Each step along the columns decodes TILE_K
// columns of the tile's rows into shared memory once, and copies the entries' x there once; every
// invocation then multiplies a 4 x 4 block of them from shared memory with no further global
// reads and no sum across invocations. (The matvec shaders sum each dot across a workgroup, a
// cost that a batch's every (row, token) pair paid again.)
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(constant_id = 0) const uint FORMAT = 0u;
layout(constant_id = 1) const uint MODE = 0u;
layout(local_size_x = matmul_invocations) in;

// Invocation t takes stored rows 4 * (t % ROW_LANES) + i and entries 4 * (t / ROW_LANES) + j, so
// a subgroup's lanes read consecutive vec4s of the weight tile and one vec4 of the x tile.
const uint TILE_TOKENS = matmul_tile_tokens, TOKEN_LANES = TILE_TOKENS / 4u;
const uint TILE_ROWS = matmul_tile_rows, ROW_LANES = TILE_ROWS / 4u;
const uint TILE_K = matmul_tile_k;
const uint QUAD_RUNS = ROW_LANES * TILE_K / 8u; // (row lane, run of 8 columns) pairs of a step
// In the gate/up mode a tile's rows are the gate and up rows of TILE_ROWS / 2 outputs: stored
// rows 4l, 4l + 1 are gate rows 2l, 2l + 1 of the tile, and 4l + 2, 4l + 3 their up rows.
bool gate_up_mode() { return MODE == matvec_expert_gate_up_grouped; }

layout(std430, binding = 0) readonly buffer Codes { uint codes[]; };
layout(std430, binding = 1) readonly buffer Scales { uint scales[]; };
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) readonly buffer Input { float x[]; };
layout(std430, binding = 4) buffer Output { float y[]; };
// The plain projections bind the step's header (tokens past its count have nothing to do); the
// grouped modes group_experts.comp's lists and work items.
layout(std430, binding = 5) readonly buffer Route { uint route[]; };
layout(std430, binding = 5) readonly buffer Step { StepHeader step; };

layout(push_constant) uniform PushConstants { MatVecArgs args; };

shared vec4 weight_tile[TILE_K][ROW_LANES]; // [k][l]: stored rows 4l .. 4l + 3 at column k
shared vec4 x_tile[TILE_K][TOKEN_LANES];    // [k][l]: entries 4l .. 4l + 3 at column k
shared float fp4_lut[16];

#include "swiglu.glsl"
#include "weight_element.glsl"

// Values col .. col + 7 of stored row `row`, zero past the last column (only the float formats
// have columns that are not a multiple of 32).
float[8] weight_run(uint row, uint col) {
    float v[8];
    uint cols = args.cols;
    // Runs and words counted per row, so indices stay far below 2^32 in the largest experts.
    uint run = row * (cols / 8u) + col / 8u; // block formats: 4 runs to a block
    if (FORMAT == weight_format_mxfp4) {
        uint q = codes[run];
        float scale = e8m0_scale(run / 4u);
        for (uint i = 0u; i < 8u; ++i) v[i] = scale * fp4_lut[(q >> (4u * i)) & 15u];
    } else if (FORMAT == weight_format_q8_0) {
        uvec2 q = uvec2(codes[2u * run], codes[2u * run + 1u]);
        float scale = uintBitsToFloat(scales[run / 4u]);
        for (uint i = 0u; i < 8u; ++i) {
            v[i] = scale * float(bitfieldExtract(int(q[i / 4u]), int(8u * (i % 4u)), 8));
        }
    } else if (FORMAT == weight_format_f32) {
        for (uint i = 0u; i < 8u; ++i) {
            v[i] = col + i < cols ? uintBitsToFloat(codes[row * cols + col + i]) : 0.0;
        }
    } else {
        // f16 and bf16: rows of cols / 2 words (cols is even).
        for (uint i = 0u; i < 8u; i += 2u) {
            uint word = col + i < cols ? codes[row * (cols / 2u) + (col + i) / 2u] : 0u;
            vec2 pair = FORMAT == weight_format_f16 ? unpackHalf2x16(word)
                                                    : vec2(bf16_low(word), bf16_high(word));
            v[i] = pair.x;
            v[i + 1u] = pair.y;
        }
    }
    return v;
}

// The entry (token, or token * slots + slot) at index e of those the tile starts at `from`.
uint entry_at(bool grouped, uint expert, uint from, uint e) {
    return grouped ? route[args.experts + expert * args.group_capacity + from + e] : from + e;
}

void main() {
    uint t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_mxfp4) {
        if (t < 16u) fp4_lut[t] = fp4_values[t];
        barrier();
    }
    bool grouped = MODE == matvec_expert_gate_up_grouped || MODE == matvec_expert_down_grouped;
    uint outputs_per_tile = gate_up_mode() ? TILE_ROWS / 2u : TILE_ROWS;
    // Grids wider than 65535 workgroups fold into y; the grouped modes take their item from y.
    uint tile = gl_WorkGroupID.x + (grouped ? 0u : gl_WorkGroupID.y * gl_NumWorkGroups.x);
    uint first = tile * outputs_per_tile;
    if (first >= args.rows) return; // the whole workgroup, so no barrier below is left waiting

    // The entries: how many, and entry e's rows of x and y (e < TILE_TOKENS).
    uint entries, expert = 0u, from;
    if (grouped) {
        uint work = args.experts * (1u + args.group_capacity);
        if (gl_WorkGroupID.y >= route[work]) return; // the whole workgroup again
        uint item = route[work + 1u + gl_WorkGroupID.y];
        expert = item >> 16;
        from = (item & 0xFFFFu) * TILE_TOKENS;
        entries = min(TILE_TOKENS, route[expert] - from);
    } else {
        from = gl_WorkGroupID.z * TILE_TOKENS;
        if (from >= step.count) return; // the whole workgroup again
        entries = min(TILE_TOKENS, step.count - from);
    }
    // Invocation t copies x for entries 4l .. 4l + 3, l = t % TOKEN_LANES, into the x tile (the
    // last entry's row for those past the count). gate/up reads the token's row of h; down its
    // entry's own activations. Tiles are written a whole vec4 at a time: a store into one
    // component of a shared vec4 is lowered to a read-modify-write of all four on some drivers.
    uint x_rows[4];
    for (uint j = 0u; j < 4u; ++j) {
        uint e = min(4u * (t % TOKEN_LANES) + j, entries - 1u);
        uint entry = entry_at(grouped, expert, from, e);
        x_rows[j] = gate_up_mode() ? entry / args.slots : entry;
    }

    uint expert_first = expert * (gate_up_mode() ? 2u : 1u) * args.rows;
    uint row_lane = t % ROW_LANES, token_lane = t / ROW_LANES;

    vec4 acc[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
    for (uint col = 0u; col < args.cols; col += TILE_K) {
        barrier(); // the previous step's reads of the tiles are done
        // A run of 8 columns of the 4 rows of a lane: tile rows 4l + j, clamped into the matrix
        // (rows past the end are not written).
        for (uint item = t; item < QUAD_RUNS; item += matmul_invocations) {
            uint l = item % ROW_LANES, k = 8u * (item / ROW_LANES);
            float v[4][8];
            for (uint j = 0u; j < 4u; ++j) {
                uint output_row = gate_up_mode() ? first + 2u * l + j % 2u : first + 4u * l + j;
                uint stored = expert_first + min(output_row, args.rows - 1u);
                if (gate_up_mode() && j >= 2u) stored += args.rows; // the up rows
                v[j] = weight_run(stored, col + k);
            }
            for (uint i = 0u; i < 8u; ++i) {
                weight_tile[k + i][l] = vec4(v[0][i], v[1][i], v[2][i], v[3][i]);
            }
        }
        for (uint k = t / TOKEN_LANES; k < TILE_K; k += matmul_invocations / TOKEN_LANES) {
            uint c = col + k, at = c < args.cols ? c : 0u;
            vec4 values = vec4(x[x_rows[0] * args.cols + at], x[x_rows[1] * args.cols + at],
                               x[x_rows[2] * args.cols + at], x[x_rows[3] * args.cols + at]);
            x_tile[k][t % TOKEN_LANES] = c < args.cols ? values : vec4(0.0);
        }
        barrier();
        for (uint k = 0u; k < TILE_K; ++k) {
            vec4 w = weight_tile[k][row_lane], xk = x_tile[k][token_lane];
            for (uint i = 0u; i < 4u; ++i) acc[i] += w[i] * xk;
        }
    }

    for (uint j = 0u; j < 4u; ++j) {
        uint e = 4u * token_lane + j;
        if (e >= entries) break;
        uint entry = entry_at(grouped, expert, from, e);
        if (gate_up_mode()) {
            for (uint i = 0u; i < 2u; ++i) {
                uint o = first + 2u * row_lane + i;
                if (o >= args.rows) continue;
                float gate = acc[i][j] + bias[expert_first + o];
                float up = acc[i + 2u][j] + bias[expert_first + args.rows + o];
                y[entry * args.rows + o] = swiglu(gate, up, args.swiglu_limit);
            }
        } else {
            for (uint i = 0u; i < 4u; ++i) {
                uint o = first + 4u * row_lane + i;
                if (o >= args.rows) continue;
                float sum = acc[i][j] + bias[expert_first + o];
                if (MODE == matvec_project_add) sum += y[entry * args.rows + o];
                y[entry * args.rows + o] = sum;
            }
        }
    }
}
