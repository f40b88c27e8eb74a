// Reading single values of a repacked weight matrix (layouts in kernel_args.h). The includer
// declares FORMAT (a specialization constant) and the buffers `codes` and `scales`.

const float fp4_values[16] = float[16](0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                                       -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0);

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
