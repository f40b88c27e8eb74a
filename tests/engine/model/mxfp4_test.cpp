#include <gtest/gtest.h>

#include <array>
#include <random>

#include "model/mxfp4.h"

namespace {

namespace mxfp4 = hearth::model::mxfp4;

std::array<std::byte, 16> bytes16(std::initializer_list<int> values) {
    std::array<std::byte, 16> out{};
    std::size_t i = 0;
    for (int v : values)
        out[i++] = static_cast<std::byte>(v);
    return out;
}

// shared/docs/gpt-oss-model.md section 10.1, single bytes in the checkpoint layout.
TEST(Mxfp4, SpecSingleByteVectors) {
    struct Vector {
        int byte, scale;
        float low, high;
    };
    const Vector vectors[] = {{0x21, 127, 0.5f, 1.0f},
                              {0x21, 128, 1.0f, 2.0f},
                              {0xF7, 127, 6.0f, -6.0f},
                              {0x9A, 120, -0.0078125f, -0.00390625f},
                              {0x88, 127, -0.0f, -0.0f}};
    for (const auto& v : vectors) {
        std::array<std::byte, 16> codes{};
        codes[0] = static_cast<std::byte>(v.byte);
        std::array<float, 32> out{};
        mxfp4::decode_checkpoint_block(codes, static_cast<std::uint8_t>(v.scale), out);
        EXPECT_EQ(out[0], v.low);
        EXPECT_EQ(out[1], v.high);
        EXPECT_EQ(std::signbit(out[0]), std::signbit(v.low)) << "-0 keeps its sign";
    }
}

const std::array<float, 32> spec_block_values = {
    0,    .25f, .5f,  .75f, 1,    1.5f, 2, 3,    -0.f,  -.25f, -.5f,  -.75f, -1,    -1.5f, -2, -3,
    .25f, .5f,  .75f, 1,    1.5f, 2,    3, -0.f, -.25f, -.5f,  -.75f, -1,    -1.5f, -2,    -3, 0};

TEST(Mxfp4, SpecFullBlockInTheCheckpointLayout) {
    const auto codes = bytes16({0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x21, 0x43, 0x65,
                                0x87, 0xA9, 0xCB, 0xED, 0x0F});
    std::array<float, 32> out{};
    mxfp4::decode_checkpoint_block(codes, 0x7E, out);
    EXPECT_EQ(out, spec_block_values);
}

TEST(Mxfp4, SpecFullBlockInTheGgufLayout) {
    const std::array<int, 17> gguf = {0x7E, 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                      0x98, 0xA9, 0xBA, 0xCB, 0xDC, 0xED, 0xFE, 0x0F};
    std::array<std::byte, 17> block{};
    for (std::size_t i = 0; i < 17; ++i)
        block[i] = static_cast<std::byte>(gguf[i]);
    std::array<float, 32> out{};
    mxfp4::decode_gguf_block(block, out);
    EXPECT_EQ(out, spec_block_values);
}

TEST(Mxfp4, RepackingTheSpecBlockGivesTheSpecGgufBytes) {
    const auto codes = bytes16({0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x21, 0x43, 0x65,
                                0x87, 0xA9, 0xCB, 0xED, 0x0F});
    const auto block = mxfp4::checkpoint_to_gguf(codes, 0x7E);
    const std::array<int, 17> expected = {0x7E, 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                          0x98, 0xA9, 0xBA, 0xCB, 0xDC, 0xED, 0xFE, 0x0F};
    for (std::size_t i = 0; i < 17; ++i)
        EXPECT_EQ(static_cast<int>(block[i]), expected[i]) << i;
}

TEST(Mxfp4, BothLayoutsDecodeRandomBlocksIdentically) {
    std::mt19937 rng(3);
    for (int trial = 0; trial < 2000; ++trial) {
        std::array<std::byte, 16> codes{};
        for (auto& c : codes)
            c = static_cast<std::byte>(rng() & 0xFF);
        const auto scale = static_cast<std::uint8_t>(100 + rng() % 50);
        std::array<float, 32> checkpoint{}, gguf{};
        mxfp4::decode_checkpoint_block(codes, scale, checkpoint);
        mxfp4::decode_gguf_block(mxfp4::checkpoint_to_gguf(codes, scale), gguf);
        ASSERT_EQ(checkpoint, gguf) << "trial " << trial;
    }
}

TEST(Mxfp4, ScaleIsAPowerOfTwoAroundBias127) {
    EXPECT_EQ(mxfp4::scale_value(127), 1.0f);
    EXPECT_EQ(mxfp4::scale_value(0), std::ldexp(1.0f, -127));
    EXPECT_EQ(mxfp4::scale_value(254), std::ldexp(1.0f, 127));
}

} // namespace
