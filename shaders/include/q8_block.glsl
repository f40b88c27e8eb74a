// One 32-value block as int8 codes with an f32 scale: value = code * scale, the scale the block's
// largest magnitude / 127. The layout the int-dot products read (matvec_int_dot.comp,
// matmul_int_dot.comp): codes four to a word, the first in the low byte, and a scale per block.
// The includer defines set_q8_word(word, bits) and set_q8_scale(block, scale) over its buffers.

void set_q8_word(uint word, uint bits);
void set_q8_scale(uint block, float scale);

void quantize_block(float v[32], uint block) {
    float largest = 0.0;
    for (uint i = 0u; i < 32u; ++i) largest = max(largest, abs(v[i]));
    // Clamped so that a block of subnormals gives small codes rather than infinite ones.
    float inverse_scale = largest > 0.0 ? min(127.0 / largest, 3.0e38) : 0.0;
    for (uint w = 0u; w < 8u; ++w) {
        uint word = 0u;
        for (uint k = 0u; k < 4u; ++k) {
            int code = clamp(int(roundEven(v[4u * w + k] * inverse_scale)), -127, 127);
            word |= (uint(code) & 0xFFu) << (8u * k);
        }
        set_q8_word(8u * block + w, word);
    }
    set_q8_scale(block, largest / 127.0);
}
