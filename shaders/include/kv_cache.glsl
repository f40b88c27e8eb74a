// Reading one value of a layer's KV cache, laid out as rope_kv_write.comp writes it: f32 words,
// or (KV_F16) two f16 values per word, the first in the low half. The includer declares the
// KV_F16 specialization constant and the buffers `key_cache` and `value_cache`.

float cached_key(uint i) {
    return KV_F16 ? unpackHalf2x16(key_cache[i / 2u])[i & 1u] : uintBitsToFloat(key_cache[i]);
}
float cached_value(uint i) {
    return KV_F16 ? unpackHalf2x16(value_cache[i / 2u])[i & 1u] : uintBitsToFloat(value_cache[i]);
}
