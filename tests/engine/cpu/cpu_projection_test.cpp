// Single-token products run together in one parallel loop give what each matrix's rows give on
// their own, whichever thread's share a row falls in.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backend/cpu/cpu_weights.h"
#include "model/decode.h"
#include "random_weights.h"

namespace {

using namespace hearth;

// row . x for row j of stack entry s, from the exact decoder.
float exact_product(const model::WeightRef& w, std::uint64_t s, std::uint64_t j,
                    const std::vector<float>& x) {
    std::vector<float> row(w.cols);
    model::decode_row(w, s, j, row);
    double sum = 0;
    for (std::size_t i = 0; i < row.size(); ++i)
        sum += double{row[i]} * x[i];
    return static_cast<float>(sum);
}

// Float rounding of a 64-term sum, relative to its size.
void expect_close(float actual, float expected, unsigned threads) {
    EXPECT_NEAR(actual, expected, 1e-5 * std::abs(expected) + 1e-5) << threads << " threads";
}

TEST(CpuProjection, ProductsRunTogetherMatchEachMatrixOnItsOwn) {
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    test::RandomWeight a, b;
    test::fill_random_weight(a, test::StoredLayout::q8_0, 2, 3, 64, rng);
    test::fill_random_weight(b, test::StoredLayout::mxfp4_gguf, 3, 5, 64, rng);
    const cpu::CpuProjection pa(a.weight), pb(b.weight);
    std::vector<float> x(64);
    for (float& v : x)
        v = normal(rng);

    for (unsigned threads : {1u, 2u, 3u, 4u}) {
        cpu::ThreadPool pool(threads);
        std::vector<float> ya(3, std::nanf("")), yb1(5, std::nanf("")), yb2(5, std::nanf(""));
        const cpu::MatVec products[] = {{&pa, 1, x.data(), ya.data()},
                                        {&pb, 2, x.data(), yb1.data()},
                                        {&pb, 0, x.data(), yb2.data()}};
        cpu::apply_together(products, pool);
        for (std::uint64_t j = 0; j < 3; ++j)
            expect_close(ya[j], exact_product(a.weight, 1, j, x), threads);
        for (std::uint64_t j = 0; j < 5; ++j) {
            expect_close(yb1[j], exact_product(b.weight, 2, j, x), threads);
            expect_close(yb2[j], exact_product(b.weight, 0, j, x), threads);
        }
    }
}

} // namespace
