// Reading single values of a repacked weight matrix (layouts in kernel_args.h). The includer
// declares FORMAT (a specialization constant) and the buffers `codes` and `scales`.

const float fp4_values[16] = float[16](0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                                       -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0);

// Values k and k + 4 of a word of MXFP4 codes (k < 4) times 2^-14, with no table: each of the two
// nibbles becomes a half, its sign bit at bit 15 and its exponent and mantissa bits at bits
// 11..9. A half of exponent e > 0 and mantissa bit m is 2^(e - 15) (1 + m / 2), and of e = 0 the
// subnormal m 2^-15: E2M1's value exactly, times 2^-14. The caller multiplies by
// fp4_halves_scale, once for a whole sum where it can. A driver may flush subnormal halves to
// zero (Vulkan allows it unless the shader asks to keep them), which would read codes of +-0.5
// as 0: so this is used only where asked (FP4_BITS, matvec_body.glsl).
const float fp4_halves_scale = 16384.0;
vec2 fp4_halves(uint word, uint k) {
    uint nibbles = word >> (4u * k);
    return unpackHalf2x16((nibbles & 0x00070007u) << 9 | (nibbles & 0x00080008u) << 12);
}

float e8m0_scale(uint block) {
    uint e = (scales[block >> 2] >> ((block & 3u) * 8u)) & 0xFFu;
    return ldexp(1.0, int(e) - 127);
}

float bf16_low(uint word) { return uintBitsToFloat(word << 16); }
float bf16_high(uint word) { return uintBitsToFloat(word & 0xFFFF0000u); }

// Value `col` of stored row `row` of a matrix with `cols` columns.
float weight_element(uint row, uint col, uint cols) {
    if (FORMAT == weight_format_f32) {
        return uintBitsToFloat(codes[row * cols + col]);
    } else if (FORMAT == weight_format_f16 || FORMAT == weight_format_bf16) {
        uint word = codes[row * (cols / 2u) + col / 2u];
        if (FORMAT == weight_format_f16) return unpackHalf2x16(word)[col & 1u];
        return (col & 1u) == 0u ? bf16_low(word) : bf16_high(word);
    } else if (FORMAT == weight_format_q8_0) {
        uint block = row * (cols / 32u) + col / 32u;
        uint word = codes[row * (cols / 4u) + col / 4u];
        int q = int(word << (24u - 8u * (col & 3u))) >> 24;
        return uintBitsToFloat(scales[block]) * float(q);
    } else {
        uint block = row * (cols / 32u) + col / 32u;
        uint word = codes[row * (cols / 8u) + col / 8u];
        return fp4_values[(word >> (4u * (col & 7u))) & 15u] * e8m0_scale(block);
    }
}
