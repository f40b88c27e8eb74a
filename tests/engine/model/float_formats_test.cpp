#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "model/float_formats.h"

namespace {

using hearth::model::bf16_to_float;
using hearth::model::f16_to_float;

TEST(FloatFormats, HalfPrecisionKnownEncodings) {
    EXPECT_EQ(f16_to_float(0x3C00), 1.0f);
    EXPECT_EQ(f16_to_float(0xC000), -2.0f);
    EXPECT_EQ(f16_to_float(0x7BFF), 65504.0f);                 // largest finite
    EXPECT_EQ(f16_to_float(0x0400), std::ldexp(1.0f, -14));    // smallest normal
    EXPECT_EQ(f16_to_float(0x0001), std::ldexp(1.0f, -24));    // smallest subnormal
    EXPECT_EQ(f16_to_float(0x03FF), std::ldexp(1023.0f, -24)); // largest subnormal
    EXPECT_EQ(f16_to_float(0x3555), 0.25f * (1.0f + 0x155 / 1024.0f));
    EXPECT_TRUE(std::signbit(f16_to_float(0x8000)));
    EXPECT_EQ(f16_to_float(0x7C00), std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(f16_to_float(0x7E00)));
}

TEST(FloatFormats, BfloatIsTheTopHalfOfAFloat) {
    EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
    EXPECT_EQ(bf16_to_float(0xC040), -3.0f);
    EXPECT_EQ(bf16_to_float(0x3E80), 0.25f);
}

} // namespace
