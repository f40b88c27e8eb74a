// Reading one value of a layer's KV cache, laid out as rope_kv_write.comp writes it (KV_FORMAT,
// kernel_args.h): value d of row `row`, a row being one position of one KV head (slot * kv_heads
// + kv_head). A q8 row's scale depends on the row alone, so a compiler can load it once for a
// loop over d. The includer declares HEAD_DIM and KV_FORMAT (specialization constants) and the buffers `key_cache`
// and `value_cache`.

// Words per row of a q8 cache: the codes, then the scale.
const uint q8_row_words = HEAD_DIM / 4u + 1u;

float f16_value(uint word, uint d) { return unpackHalf2x16(word)[d & 1u]; }
float q8_value(uint codes, uint scale, uint d) {
    return float(bitfieldExtract(int(codes), int(d % 4u) * 8, 8)) * uintBitsToFloat(scale);
}

float cached_key(uint row, uint d) {
    if (KV_FORMAT == kv_cache_f16) return f16_value(key_cache[(row * HEAD_DIM + d) / 2u], d);
    if (KV_FORMAT == kv_cache_q8) {
        uint at = row * q8_row_words;
        return q8_value(key_cache[at + d / 4u], key_cache[at + HEAD_DIM / 4u], d);
    }
    return uintBitsToFloat(key_cache[row * HEAD_DIM + d]);
}
float cached_value(uint row, uint d) {
    if (KV_FORMAT == kv_cache_f16) return f16_value(value_cache[(row * HEAD_DIM + d) / 2u], d);
    if (KV_FORMAT == kv_cache_q8) {
        uint at = row * q8_row_words;
        return q8_value(value_cache[at + d / 4u], value_cache[at + HEAD_DIM / 4u], d);
    }
    return uintBitsToFloat(value_cache[row * HEAD_DIM + d]);
}
