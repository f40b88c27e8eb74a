// Where the values of a layer's KV cache lie (KV_FORMAT, kernel_args.h), and what a word holds: a
// row is one position of one KV head (slot * kv_heads + kv_head). The includer declares HEAD_DIM
// and KV_FORMAT (specialization constants).
#ifndef HEARTH_KV_LAYOUT_GLSL
#define HEARTH_KV_LAYOUT_GLSL

// Words per row of a q8 cache: the codes, then the scale.
const uint q8_row_words = HEAD_DIM / 4u + 1u;

// The word that holds value d of row `row`, and (q8) the row's scale word.
uint kv_word_at(uint row, uint d) {
    if (KV_FORMAT == kv_cache_f16) return (row * HEAD_DIM + d) / 2u;
    if (KV_FORMAT == kv_cache_q8) return row * q8_row_words + d / 4u;
    return row * HEAD_DIM + d;
}
uint kv_scale_at(uint row) { return row * q8_row_words + HEAD_DIM / 4u; }

// Value d from its word (and, for q8, the row's scale word; unused otherwise).
float kv_value(uint word, uint scale, uint d) {
    if (KV_FORMAT == kv_cache_f16) return unpackHalf2x16(word)[d & 1u];
    if (KV_FORMAT == kv_cache_q8) {
        return float(bitfieldExtract(int(word), int(d % 4u) * 8, 8)) * uintBitsToFloat(scale);
    }
    return uintBitsToFloat(word);
}

#endif
