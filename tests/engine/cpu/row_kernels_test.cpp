// Every row kernel (the SIMD ones where this CPU has them) against the exact decoder.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backend/cpu/row_kernels.h"
#include "backend/cpu/thread_pool.h"
#include "model/decode.h"

namespace {

using namespace hearth;
using cpu::RowFormat;

struct Row {
    model::WeightRef weight;
    std::vector<std::byte> data, scales;
};

// A random one-row weight of `format` with n columns; bytes chosen so values stay finite.
Row random_row(RowFormat format, std::size_t n, std::mt19937& rng) {
    Row row;
    auto& w = row.weight;
    w.cols = n;
    auto byte = [&] { return static_cast<std::byte>(rng() & 0xFF); };
    switch (format) {
    case RowFormat::f32:
        w.type = format::TensorType::f32;
        for (std::size_t i = 0; i < n; ++i) {
            const float v = std::ldexp(static_cast<float>(rng() % 2001) - 1000.0f, -10);
            const auto* p = reinterpret_cast<const std::byte*>(&v);
            row.data.insert(row.data.end(), p, p + 4);
        }
        break;
    case RowFormat::f16:
    case RowFormat::bf16:
        w.type = format == RowFormat::f16 ? format::TensorType::f16 : format::TensorType::bf16;
        for (std::size_t i = 0; i < n; ++i) {
            row.data.push_back(byte());
            row.data.push_back(static_cast<std::byte>(0x30 + (rng() % 16))); // modest exponents
        }
        break;
    case RowFormat::q8_0:
        w.type = format::TensorType::q8_0;
        for (std::size_t b = 0; b < n / 32; ++b) {
            row.data.push_back(byte());
            row.data.push_back(std::byte{0x20}); // f16 scale around 2^-7
            for (int i = 0; i < 32; ++i)
                row.data.push_back(byte());
        }
        break;
    case RowFormat::mxfp4_gguf:
        w.type = format::TensorType::mxfp4;
        for (std::size_t b = 0; b < n / 32; ++b) {
            row.data.push_back(static_cast<std::byte>(110 + rng() % 30));
            for (int i = 0; i < 16; ++i)
                row.data.push_back(byte());
        }
        break;
    case RowFormat::mxfp4_checkpoint:
        w.type = format::TensorType::mxfp4;
        for (std::size_t b = 0; b < n / 32; ++b) {
            row.scales.push_back(static_cast<std::byte>(110 + rng() % 30));
            for (int i = 0; i < 16; ++i)
                row.data.push_back(byte());
        }
        break;
    }
    w.data = row.data;
    w.scales = row.scales;
    return row;
}

class RowKernels : public testing::TestWithParam<RowFormat> {};

TEST_P(RowKernels, DotAndDecodeAgreeWithTheExactDecoder) {
    std::mt19937 rng(static_cast<unsigned>(GetParam()) + 1);
    std::normal_distribution<float> normal;
    for (std::size_t n : {32u, 64u, 2880u}) {
        const Row row = random_row(GetParam(), n, rng);
        std::vector<float> x(n), exact(n), decoded(n);
        for (float& v : x)
            v = normal(rng);
        model::decode_row(row.weight, 0, 0, exact);
        double expected = 0, magnitude = 0;
        for (std::size_t i = 0; i < n; ++i) {
            expected += double{exact[i]} * x[i];
            magnitude += std::abs(double{exact[i]} * x[i]);
        }
        const auto view = cpu::row_view(row.weight, 0, 0);
        for (const auto* kernels :
             {&cpu::row_kernels(GetParam()), &cpu::portable_row_kernels(GetParam())}) {
            EXPECT_NEAR(kernels->dot(view, x.data(), n), expected, 1e-5 * magnitude + 1e-6) << n;
            kernels->decode(view, decoded.data(), n);
            EXPECT_EQ(decoded, exact);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, RowKernels,
                         testing::Values(RowFormat::f32, RowFormat::f16, RowFormat::bf16,
                                         RowFormat::q8_0, RowFormat::mxfp4_gguf,
                                         RowFormat::mxfp4_checkpoint));

TEST(RowKernels, F32DotHandlesLengthsThatAreNotAMultipleOfTheVectorWidth) {
    for (std::size_t n = 0; n < 40; ++n) {
        std::vector<float> a(n), b(n);
        double expected = 0;
        for (std::size_t i = 0; i < n; ++i) {
            a[i] = static_cast<float>(i) * 0.5f;
            b[i] = 1.0f - static_cast<float>(i) * 0.25f;
            expected += double{a[i]} * b[i];
        }
        EXPECT_NEAR(cpu::dot_f32(a.data(), b.data(), n), expected, 1e-3) << n;
    }
}

TEST(ThreadPool, EveryIndexRunsExactlyOnce) {
    for (unsigned threads : {1u, 2u, 3u, 5u}) {
        cpu::ThreadPool pool(threads);
        for (std::size_t count : {0u, 1u, 2u, 7u, 100u}) {
            std::vector<int> hits(count, 0);
            pool.parallel_for(count, [&](std::size_t begin, std::size_t end) {
                for (std::size_t i = begin; i < end; ++i)
                    ++hits[i];
            });
            EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), static_cast<long>(count));
        }
    }
}

} // namespace
