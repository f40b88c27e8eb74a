// The body of the matmul shaders (matmul.comp, matmul_int_dot.comp): matrix-matrix products for
// a batch of tokens (prefill), in the batch modes of kernel_args.h: the plain projections (a row
// of x per token) and the grouped experts (per expert the entries that chose it, listed by
// group_experts.comp). A workgroup computes a tile of TILE_ROWS stored rows by TILE_TOKENS
// entries. Each step along the columns decodes TILE_K columns of the tile's rows into shared
// memory once, and copies the entries' x there once; every invocation then multiplies a 4 x 4
// block of them from shared memory with no further global reads and no sum across invocations.
// (The matvec shaders sum each dot across a workgroup, a cost that a batch's every (row, token)
// pair paid again.) Defined INPUT_Q8, x is int8 codes with a scale per 32-value block
// (quantize_q8.comp), rows are MXFP4 or Q8_0, and a step is one block: the tiles hold bytes, and
// each (row, entry) dot of a step is eight packed integer dot products.

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

#ifdef INPUT_Q8
// x's codes (four to a word) and their scales per 32 values (quantize_q8.comp's layout).
layout(std430, binding = 3) readonly buffer InputCodes { uint x_codes[]; };
layout(std430, binding = 6) readonly buffer InputScales { float x_scales[]; };

// A step's block: [w][l] word w (values 4w .. 4w + 3) of stored rows 4l .. 4l + 3, or of
// entries 4l .. 4l + 3, as bytes; and their scales.
const uint BLOCK_WORDS = 8u;
shared uvec4 weight_words[BLOCK_WORDS][ROW_LANES];
shared uvec4 x_words[BLOCK_WORDS][TOKEN_LANES];
shared vec4 weight_scales[ROW_LANES];
shared vec4 x_block_scales[TOKEN_LANES];
#else
shared vec4 weight_tile[TILE_K][ROW_LANES]; // [k][l]: stored rows 4l .. 4l + 3 at column k
shared vec4 x_tile[TILE_K][TOKEN_LANES];    // [k][l]: entries 4l .. 4l + 3 at column k
#endif
shared float fp4_lut[16];

#include "swiglu.glsl"
#include "weight_element.glsl"
#ifdef INPUT_Q8
#include "int_dot.glsl"
#endif

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

// The stored row of tile row 4l + j, clamped into the matrix (rows past the end are not written).
uint stored_row(uint l, uint j, uint first, uint expert_first) {
    uint output_row = gate_up_mode() ? first + 2u * l + j % 2u : first + 4u * l + j;
    uint stored = expert_first + min(output_row, args.rows - 1u);
    return gate_up_mode() && j >= 2u ? stored + args.rows : stored; // the up rows
}

#ifdef INPUT_Q8
// The block at column `col` of the tile's rows and of its entries (rows x_rows of x) into
// shared memory. MXFP4 rows hold a block in 4 words of nibbles, each making 2 words of bytes
// (the doubled values, so the scale is halved); Q8_0 rows in 8 words of codes.
void fill_q8_tiles(uint t, uint col, uint first, uint expert_first, uint x_rows[4]) {
    bool fp4 = FORMAT == weight_format_mxfp4;
    uint row_words = fp4 ? 4u : 8u;
    for (uint item = t; item < ROW_LANES * row_words; item += matmul_invocations) {
        uint l = item % ROW_LANES, w = item / ROW_LANES;
        uvec4 low, high;
        vec4 scale;
        for (uint j = 0u; j < 4u; ++j) {
            uint block = stored_row(l, j, first, expert_first) * (args.cols / 32u) + col / 32u;
            uint word = codes[block * row_words + w];
            low[j] = fp4 ? fp4_doubled(word) : word;
            high[j] = fp4 ? fp4_doubled(word >> 16) : 0u;
            scale[j] = fp4 ? 0.5 * e8m0_scale(block) : uintBitsToFloat(scales[block]);
        }
        weight_words[fp4 ? 2u * w : w][l] = low;
        if (fp4) weight_words[2u * w + 1u][l] = high;
        if (w == 0u) weight_scales[l] = scale;
    }
    // Invocation t's x_rows are those of entry lane t % TOKEN_LANES, which every item it takes
    // shares (the invocations are a multiple of the lanes).
    for (uint item = t; item < TOKEN_LANES * BLOCK_WORDS; item += matmul_invocations) {
        uint l = item % TOKEN_LANES, w = item / TOKEN_LANES;
        uvec4 words;
        vec4 scale;
        for (uint j = 0u; j < 4u; ++j) {
            uint value = x_rows[j] * args.cols + col;
            words[j] = x_codes[value / 4u + w];
            scale[j] = x_scales[value / 32u];
        }
        x_words[w][l] = words;
        if (w == 0u) x_block_scales[l] = scale;
    }
}
#endif

// The entry (token, or token * slots + slot) at index e of those the tile starts at `from`.
uint entry_at(bool grouped, uint expert, uint from, uint e) {
    return grouped ? route[args.experts + expert * args.group_capacity + from + e] : from + e;
}

void main() {
    uint t = gl_LocalInvocationID.x;
    if (FORMAT == weight_format_mxfp4) {
#ifdef INPUT_Q8
        if (t < 16u) fp4_bytes[t] = fp4_byte(t);
#else
        if (t < 16u) fp4_lut[t] = fp4_values[t];
#endif
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
#ifdef INPUT_Q8
    for (uint col = 0u; col < args.cols; col += 32u) {
        barrier(); // the previous step's reads of the tiles are done
        fill_q8_tiles(t, col, first, expert_first, x_rows);
        barrier();
        ivec4 sums[4] = ivec4[4](ivec4(0), ivec4(0), ivec4(0), ivec4(0));
        for (uint w = 0u; w < BLOCK_WORDS; ++w) {
            uvec4 row_words = weight_words[w][row_lane], entry_words = x_words[w][token_lane];
            for (uint i = 0u; i < 4u; ++i) {
                for (uint j = 0u; j < 4u; ++j) sums[i][j] += dot_4x8(row_words[i], entry_words[j]);
            }
        }
        vec4 x_scale = x_block_scales[token_lane], weight_scale = weight_scales[row_lane];
        for (uint i = 0u; i < 4u; ++i) acc[i] += weight_scale[i] * x_scale * vec4(sums[i]);
    }
#else
    for (uint col = 0u; col < args.cols; col += TILE_K) {
        barrier(); // the previous step's reads of the tiles are done
        // A run of 8 columns of the 4 rows of a lane: tile rows 4l + j.
        for (uint item = t; item < QUAD_RUNS; item += matmul_invocations) {
            uint l = item % ROW_LANES, k = 8u * (item / ROW_LANES);
            float v[4][8];
            for (uint j = 0u; j < 4u; ++j) {
                v[j] = weight_run(stored_row(l, j, first, expert_first), col + k);
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
#endif

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
