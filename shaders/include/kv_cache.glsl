// Reading values of a layer's KV cache a value at a time (attention_prefill.comp), laid out as
// kv_write.glsl writes it (KV_FORMAT, kernel_args.h): value d of row `row`, a row being one
// position of one KV head (slot * kv_heads + kv_head). A q8 row's scale depends on the row alone,
// so a compiler can load it once for a loop over d. The includer declares HEAD_DIM and KV_FORMAT
// (specialization constants), the buffers `key_cache` and `value_cache`, the push constants
// `args` (AttentionArgs) and the shared arrays `tile_keys` and `tile_values` (unpadded rows of
// HEAD_DIM) that load_kv_tile fills.

#include "kv_layout.glsl"

float cached_key(uint row, uint d) {
    uint scale = KV_FORMAT == kv_cache_q8 ? key_cache[kv_scale_at(row)] : 0u;
    return kv_value(key_cache[kv_word_at(row, d)], scale, d);
}
float cached_value(uint row, uint d) {
    uint scale = KV_FORMAT == kv_cache_q8 ? value_cache[kv_scale_at(row)] : 0u;
    return kv_value(value_cache[kv_word_at(row, d)], scale, d);
}

// Positions start .. start + count - 1 of KV head `kv_head` into tile_keys and tile_values as f32,
// a position's HEAD_DIM values after another: invocation t of `invocations` takes every
// invocations-th value, so neighbouring invocations read neighbouring words.
void load_kv_tile(uint start, uint count, uint kv_head, uint t, uint invocations) {
    for (uint i = t; i < count * HEAD_DIM; i += invocations) {
        uint row = ((start + i / HEAD_DIM) % args.cache_capacity) * args.kv_head_count + kv_head;
        tile_keys[i] = cached_key(row, i % HEAD_DIM);
        tile_values[i] = cached_value(row, i % HEAD_DIM);
    }
}
