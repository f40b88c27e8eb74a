// Reading one value of a layer's KV cache, laid out as rope_kv_write.comp writes it (KV_FORMAT,
// kernel_args.h). `i` counts values as if they were one per word: (slot * kv_heads + kv_head) *
// HEAD_DIM + d. The includer declares HEAD_DIM and KV_FORMAT (specialization constants) and the
// buffers `key_cache` and `value_cache`.

// Words per (position, KV head) row of a q8 cache: the codes, then the scale.
const uint q8_row_words = HEAD_DIM / 4u + 1u;

float f16_value(uint word, uint i) { return unpackHalf2x16(word)[i & 1u]; }
float q8_value(uint codes, uint scale, uint i) {
    return float(bitfieldExtract(int(codes), int(i % 4u) * 8, 8)) * uintBitsToFloat(scale);
}
// The word of value i in a q8 cache, and its row's scale word.
uint q8_codes_at(uint i) { return (i / HEAD_DIM) * q8_row_words + (i % HEAD_DIM) / 4u; }
uint q8_scale_at(uint i) { return (i / HEAD_DIM) * q8_row_words + HEAD_DIM / 4u; }

float cached_key(uint i) {
    if (KV_FORMAT == kv_cache_f16) return f16_value(key_cache[i / 2u], i);
    if (KV_FORMAT == kv_cache_q8) {
        return q8_value(key_cache[q8_codes_at(i)], key_cache[q8_scale_at(i)], i);
    }
    return uintBitsToFloat(key_cache[i]);
}
float cached_value(uint i) {
    if (KV_FORMAT == kv_cache_f16) return f16_value(value_cache[i / 2u], i);
    if (KV_FORMAT == kv_cache_q8) {
        return q8_value(value_cache[q8_codes_at(i)], value_cache[q8_scale_at(i)], i);
    }
    return uintBitsToFloat(value_cache[i]);
}
