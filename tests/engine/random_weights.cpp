#include "random_weights.h"

#include <cmath>

namespace hearth::test {

void fill_random_weight(RandomWeight& out, StoredLayout layout, std::uint64_t stack,
                        std::uint64_t rows, std::uint64_t cols, std::mt19937& rng) {
    auto& w = out.weight;
    w.name = "random";
    w.stack = stack;
    w.rows = rows;
    w.cols = cols;
    auto& data = out.data;
    data.clear();
    out.scales.clear();
    auto byte = [&] { return static_cast<std::byte>(rng() & 0xFF); };
    const std::uint64_t values = stack * rows * cols, blocks = values / 32;
    switch (layout) {
    case StoredLayout::f32:
        w.type = format::TensorType::f32;
        for (std::uint64_t i = 0; i < values; ++i) {
            const float v = std::ldexp(static_cast<float>(rng() % 2001) - 1000.0f, -10);
            const auto* p = reinterpret_cast<const std::byte*>(&v);
            data.insert(data.end(), p, p + 4);
        }
        break;
    case StoredLayout::f16:
    case StoredLayout::bf16:
        w.type = layout == StoredLayout::f16 ? format::TensorType::f16 : format::TensorType::bf16;
        for (std::uint64_t i = 0; i < values; ++i) {
            data.push_back(byte());
            data.push_back(static_cast<std::byte>(0x30 + (rng() % 16))); // modest exponents
        }
        break;
    case StoredLayout::q8_0:
        w.type = format::TensorType::q8_0;
        for (std::uint64_t b = 0; b < blocks; ++b) {
            data.push_back(byte());
            data.push_back(std::byte{0x20}); // f16 scale around 2^-7
            for (int i = 0; i < 32; ++i)
                data.push_back(byte());
        }
        break;
    case StoredLayout::mxfp4_gguf:
        w.type = format::TensorType::mxfp4;
        for (std::uint64_t b = 0; b < blocks; ++b) {
            data.push_back(static_cast<std::byte>(110 + rng() % 30));
            for (int i = 0; i < 16; ++i)
                data.push_back(byte());
        }
        break;
    case StoredLayout::mxfp4_checkpoint:
        w.type = format::TensorType::mxfp4;
        for (std::uint64_t b = 0; b < blocks; ++b) {
            out.scales.push_back(static_cast<std::byte>(110 + rng() % 30));
            for (int i = 0; i < 16; ++i)
                data.push_back(byte());
        }
        break;
    }
    w.data = data;
    w.scales = out.scales;
}

} // namespace hearth::test
