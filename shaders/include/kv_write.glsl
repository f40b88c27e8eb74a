// Writing one position of one KV head into a layer's cache (kv_layout.glsl): the head's key
// rotated by YaRN RoPE (half-split pairs), and its value, by a workgroup of 64 invocations
// (with a barrier inside for q8, whose row scale needs all of the row). The includer declares
// HEAD_DIM and KV_FORMAT (specialization constants), the buffers `rope` (the table: per position,
// HEAD_DIM / 2 cosines then as many sines, concentration included), `key_cache` and
// `value_cache`, and defines float head_key(uint e) and float head_value(uint e): element e of
// the head's key (before the rotation) and of its value.
#include "kv_layout.glsl"

const uint pairs = HEAD_DIM / 2u;
// q8: per invocation, the largest key and value magnitudes it saw.
shared float largest[2u * 64u];

// Element e of a head rotated for the position whose table row starts at `table`, from its
// pair's elements a (first half) and b (second half).
float rotated(uint e, uint table, float a, float b) {
    uint i = e < pairs ? e : e - pairs;
    float c = rope[table + i], s = rope[table + pairs + i];
    return e < pairs ? a * c - b * s : b * c + a * s;
}
float rotated_key(uint e, uint table) {
    uint i = e < pairs ? e : e - pairs;
    return rotated(e, table, head_key(i), head_key(pairs + i));
}

// Invocation t writes its share of cache row `row` for the position whose table row starts at
// `table`.
void write_kv_row(uint row, uint table, uint t) {
    if (KV_FORMAT == kv_cache_q8) {
        float key_max = 0.0, value_max = 0.0;
        for (uint e = t; e < HEAD_DIM; e += 64u) {
            key_max = max(key_max, abs(rotated_key(e, table)));
            value_max = max(value_max, abs(head_value(e)));
        }
        largest[t] = key_max;
        largest[64u + t] = value_max;
        barrier();
        for (uint i = 0u; i < 64u; ++i) {
            key_max = max(key_max, largest[i]);
            value_max = max(value_max, largest[64u + i]);
        }
        // A row of zeros has scale 0 and codes 0. A row below 127 / FLT_MAX (1e-37) would make
        // the inverse infinite, and its zeros NaN codes: the largest float still takes every
        // value of the row below 127.
        const float largest_float = 3.4028235e38;
        float key_inverse = key_max > 0.0 ? min(127.0 / key_max, largest_float) : 0.0;
        float value_inverse = value_max > 0.0 ? min(127.0 / value_max, largest_float) : 0.0;
        for (uint w = t; w < HEAD_DIM / 4u; w += 64u) {
            uint key_word = 0u, value_word = 0u;
            for (uint k = 0u; k < 4u; ++k) {
                uint e = 4u * w + k;
                int key_code = int(roundEven(rotated_key(e, table) * key_inverse));
                int value_code = int(roundEven(head_value(e) * value_inverse));
                key_word |= (uint(clamp(key_code, -127, 127)) & 0xFFu) << (8u * k);
                value_word |= (uint(clamp(value_code, -127, 127)) & 0xFFu) << (8u * k);
            }
            key_cache[kv_word_at(row, 4u * w)] = key_word;
            value_cache[kv_word_at(row, 4u * w)] = value_word;
        }
        if (t == 0u) {
            key_cache[kv_scale_at(row)] = floatBitsToUint(key_max / 127.0);
            value_cache[kv_scale_at(row)] = floatBitsToUint(value_max / 127.0);
        }
    } else if (KV_FORMAT == kv_cache_f16) {
        // One invocation per word: two invocations never share one.
        for (uint e = 2u * t; e < HEAD_DIM; e += 128u) {
            key_cache[kv_word_at(row, e)] =
                packHalf2x16(vec2(rotated_key(e, table), rotated_key(e + 1u, table)));
            value_cache[kv_word_at(row, e)] =
                packHalf2x16(vec2(head_value(e), head_value(e + 1u)));
        }
    } else {
        for (uint e = t; e < HEAD_DIM; e += 64u) {
            key_cache[kv_word_at(row, e)] = floatBitsToUint(rotated_key(e, table));
            value_cache[kv_word_at(row, e)] = floatBitsToUint(head_value(e));
        }
    }
}
