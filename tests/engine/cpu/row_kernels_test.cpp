// Every row kernel (the SIMD ones where this CPU has them) against the exact decoder.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "backend/cpu/float_mode.h"
#include "backend/cpu/row_kernels.h"
#include "backend/cpu/row_kernels_impl.h"
#include "backend/cpu/thread_pool.h"
#include "hearth/cpu_kernels.h"
#include "kernel_tiers.h"
#include "model/decode.h"
#include "random_weights.h"

namespace {

using namespace hearth;
using cpu::RowFormat;

// The stored layout a row format reads.
test::StoredLayout layout_of(RowFormat format) {
    switch (format) {
    case RowFormat::f32: return test::StoredLayout::f32;
    case RowFormat::f16: return test::StoredLayout::f16;
    case RowFormat::bf16: return test::StoredLayout::bf16;
    case RowFormat::q8_0: return test::StoredLayout::q8_0;
    case RowFormat::mxfp4_gguf: return test::StoredLayout::mxfp4_gguf;
    case RowFormat::mxfp4_checkpoint: return test::StoredLayout::mxfp4_checkpoint;
    }
    return test::StoredLayout::f32;
}

class RowKernels : public testing::TestWithParam<RowFormat> {};

TEST_P(RowKernels, DotAndDecodeAgreeWithTheExactDecoder) {
    std::mt19937 rng(static_cast<unsigned>(GetParam()) + 1);
    std::normal_distribution<float> normal;
    for (std::size_t n : {32u, 64u, 96u, 2880u}) {
        test::RandomWeight row;
        test::fill_random_weight(row, layout_of(GetParam()), 1, 1, n, rng);
        std::vector<float> x(n), exact(n), decoded(n);
        for (float& v : x)
            v = normal(rng);
        model::decode_row(row.weight, 0, 0, exact);
        double expected = 0, magnitude = 0;
        for (std::size_t i = 0; i < n; ++i) {
            expected += double{exact[i]} * x[i];
            magnitude += std::abs(double{exact[i]} * x[i]);
        }
        const auto view = cpu::RowLocator(row.weight)(0, 0);
        for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
            const auto& kernels = cpu::row_kernels(GetParam(), tier);
            std::vector<float> prepared;
            if (kernels.prepare) {
                prepared.resize(n);
                kernels.prepare(x.data(), n, prepared.data());
            }
            const cpu::DotInput input{x.data(), kernels.prepare ? prepared.data() : nullptr};
            EXPECT_NEAR(kernels.dot(view, input, n), expected, 1e-5 * magnitude + 1e-6)
                << n << " " << cpu::kernel_tier_name(tier);
            kernels.decode(view, decoded.data(), n);
            EXPECT_EQ(decoded, exact) << cpu::kernel_tier_name(tier);
        }
    }
}

// Scale bytes 0 and 1 make denormal values (2^-127 and below), 254 infinities. Each tier's decode
// gives the exact decoder's values, even when its tables were first built under a flushing caller.
TEST(RowKernels, ExtremeMxfp4ScalesDecodeExactlyWhateverTheFirstCallersMode) {
    std::mt19937 rng(11);
    for (const auto layout :
         {test::StoredLayout::mxfp4_gguf, test::StoredLayout::mxfp4_checkpoint}) {
        test::RandomWeight row;
        const std::size_t n = 128;
        test::fill_random_weight(row, layout, 1, 1, n, rng);
        const bool gguf = layout == test::StoredLayout::mxfp4_gguf;
        const std::uint8_t extremes[] = {0, 1, 2, 254};
        for (std::size_t b = 0; b < n / 32; ++b) {
            std::byte& scale = gguf ? row.data[b * 17] : row.scales[b];
            scale = std::byte{extremes[b]};
        }
        const RowFormat format = gguf ? RowFormat::mxfp4_gguf : RowFormat::mxfp4_checkpoint;
        const auto view = cpu::RowLocator(row.weight)(0, 0);
        std::vector<float> exact(n), decoded(n);
        model::decode_row(row.weight, 0, 0, exact);
        for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
            {
                const cpu::ScopedDenormals flush(cpu::Denormals::flushed);
                cpu::row_kernels(format, tier).decode(view, decoded.data(), n);
            }
            cpu::row_kernels(format, tier).decode(view, decoded.data(), n);
            EXPECT_EQ(decoded, exact) << cpu::kernel_tier_name(tier);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, RowKernels,
                         testing::Values(RowFormat::f32, RowFormat::f16, RowFormat::bf16,
                                         RowFormat::q8_0, RowFormat::mxfp4_gguf,
                                         RowFormat::mxfp4_checkpoint));

// Kernels that read their input rearranged get it in the order the format's codes unpack to.
TEST(RowKernels, PreparedInputIsInTheOrderTheCodesUnpackTo) {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal;
    const std::size_t n = 96;
    std::vector<float> x(n);
    for (float& v : x)
        v = normal(rng);
    // Element of block lane `lane`: GGUF blocks unpack in order; checkpoint bytes hold pairs, so
    // their low nibbles are the even elements and the high nibbles the odd ones.
    const auto gguf_element = [](std::size_t lane) { return lane; };
    const auto checkpoint_element = [](std::size_t lane) {
        return lane < 16 ? 2 * lane : 2 * (lane - 16) + 1;
    };
    for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
        for (const auto& [format, element_of] :
             {std::pair{RowFormat::mxfp4_gguf,
                        std::function<std::size_t(std::size_t)>(gguf_element)},
              std::pair{RowFormat::mxfp4_checkpoint,
                        std::function<std::size_t(std::size_t)>(checkpoint_element)}}) {
            const auto& kernels = cpu::row_kernels(format, tier);
            if (!kernels.prepare) continue;
            std::vector<float> prepared(n);
            kernels.prepare(x.data(), n, prepared.data());
            for (std::size_t b = 0; b < n / 32; ++b) {
                for (std::size_t lane = 0; lane < 32; ++lane) {
                    EXPECT_EQ(prepared[b * 32 + lane], x[b * 32 + element_of(lane)])
                        << cpu::kernel_tier_name(tier) << " block " << b << " lane " << lane;
                }
            }
        }
    }
}

TEST(RowKernels, ABenchmarkCanPickAnySupportedSetByNameAndNothingElse) {
    const std::string best(cpu_kernels_in_use());
    EXPECT_FALSE(use_cpu_kernels("avx9000"));
    EXPECT_EQ(cpu_kernels_in_use(), best);
    for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
        ASSERT_TRUE(use_cpu_kernels(cpu::kernel_tier_name(tier)));
        EXPECT_EQ(cpu_kernels_in_use(), cpu::kernel_tier_name(tier));
    }
    ASSERT_TRUE(use_cpu_kernels(best));
    EXPECT_EQ(best, cpu::kernel_tier_name(
                        test::supported_kernel_tiers().back())); // the best is the default
}

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

// Every tier's prefill tile, for every count of tokens it takes and lengths around its vector
// widths (8 and 16), against double sums; results past `tokens` are left alone.
TEST(RowKernels, RowTilesMatchPlainDotsForEveryTokenCountAndLength) {
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    const std::size_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 17, 33, 64, 100, 2880};
    for (std::size_t n : lengths) {
        std::vector<float> rows[4], x[cpu::max_tile_tokens];
        for (auto* v : {&rows[0], &rows[1], &rows[2], &rows[3]}) {
            v->resize(n);
            for (float& e : *v)
                e = normal(rng);
        }
        for (auto& v : x) {
            v.resize(n);
            for (float& e : v)
                e = normal(rng);
        }
        const float* row_pointers[4] = {rows[0].data(), rows[1].data(), rows[2].data(),
                                        rows[3].data()};
        const float* x_pointers[cpu::max_tile_tokens];
        for (std::size_t t = 0; t < cpu::max_tile_tokens; ++t)
            x_pointers[t] = x[t].data();
        for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
            for (std::size_t tokens = 1; tokens <= cpu::max_tile_tokens; ++tokens) {
                constexpr float untouched = 12345.0f;
                std::vector<float> out(cpu::max_tile_tokens * 4, untouched);
                cpu::dot_rows_tile(tier, row_pointers, x_pointers, tokens, n, out.data());
                for (std::size_t t = 0; t < cpu::max_tile_tokens; ++t) {
                    for (std::size_t r = 0; r < 4; ++r) {
                        double expected = 0, magnitude = 0;
                        for (std::size_t i = 0; i < n; ++i) {
                            expected += double{rows[r][i]} * x[t][i];
                            magnitude += std::abs(double{rows[r][i]} * x[t][i]);
                        }
                        const float got = out[t * 4 + r];
                        if (t >= tokens) {
                            EXPECT_EQ(got, untouched) << cpu::kernel_tier_name(tier);
                            continue;
                        }
                        EXPECT_NEAR(got, expected, 1e-6 * magnitude + 1e-6)
                            << cpu::kernel_tier_name(tier) << " n " << n << " tokens " << tokens
                            << " token " << t << " row " << r;
                    }
                }
            }
        }
    }
}

// Every tier's weighted sum of rows, for widths around its vector widths (8, 16 and the 64 it
// keeps in registers) and rows spaced apart, against double sums added to what out held.
TEST(RowKernels, WeightedRowSumsMatchDoubleSumsForEveryWidth) {
    std::mt19937 rng(12);
    std::normal_distribution<float> normal;
    const std::size_t widths[] = {1, 7, 8, 9, 16, 17, 63, 64, 65, 80, 130};
    for (std::size_t n : widths) {
        for (std::size_t count : {0u, 1u, 5u, 37u}) {
            const std::size_t stride = n + 3;
            std::vector<float> weights(count), rows(count * stride), initial(n);
            for (auto* v : {&weights, &rows, &initial}) {
                for (float& e : *v)
                    e = normal(rng);
            }
            for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
                std::vector<float> out = initial;
                cpu::add_weighted_rows(tier, weights.data(), rows.data(), stride, count, n,
                                       out.data());
                for (std::size_t i = 0; i < n; ++i) {
                    double expected = initial[i], magnitude = std::abs(initial[i]);
                    for (std::size_t u = 0; u < count; ++u) {
                        expected += double{weights[u]} * rows[u * stride + i];
                        magnitude += std::abs(double{weights[u]} * rows[u * stride + i]);
                    }
                    EXPECT_NEAR(out[i], expected, 1e-6 * magnitude + 1e-6)
                        << cpu::kernel_tier_name(tier) << " n " << n << " count " << count
                        << " column " << i;
                }
            }
        }
    }
}

// Every tier's softmax numerators to a few units in the last place of e^x (0 where e^x is below
// the normal floats), for lengths around the vector width, with the maximum itself giving 1.
TEST(RowKernels, ExponentiatedScoresMatchExpForEveryLength) {
    std::mt19937 rng(13);
    std::uniform_real_distribution<float> below(-100.0f, 3.0f);
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 33u, 300u}) {
        std::vector<float> scores(n);
        for (float& s : scores)
            s = below(rng);
        const float max_score = 3.0f;
        if (n > 0) scores[n / 2] = max_score;
        for (const cpu::KernelTier tier : test::supported_kernel_tiers()) {
            std::vector<float> e = scores;
            const float sum = cpu::exponentiate_scores(tier, e.data(), n, max_score);
            double expected_sum = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const float shifted = scores[i] - max_score; // as the kernels round it
                const double expected = std::exp(double{shifted});
                expected_sum += expected;
                if (expected < 1.2e-38) {
                    EXPECT_LT(e[i], 1.2e-38f) << cpu::kernel_tier_name(tier) << " " << scores[i];
                    continue;
                }
                EXPECT_NEAR(e[i], expected, 4e-7 * expected)
                    << cpu::kernel_tier_name(tier) << " e^" << scores[i] - max_score;
            }
            if (n > 0) {
                EXPECT_EQ(e[n / 2], 1.0f) << cpu::kernel_tier_name(tier);
            }
            EXPECT_NEAR(sum, expected_sum, 1e-6 * expected_sum) << cpu::kernel_tier_name(tier);
        }
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

TEST(ThreadPool, AThreadThatStallsLeavesTheRestOfTheLoopToTheOthers) {
    // The calling thread stalls in its first chunk until every other index is done. A pool that
    // hands out chunks as threads free up gives the other thread more than its half; a fixed
    // half each would leave the stalled thread's half to it.
    cpu::ThreadPool pool(2);
    const std::size_t count = 64;
    std::vector<std::atomic<int>> hits(count);
    std::atomic<std::size_t> done_elsewhere = 0;
    std::atomic<int> caller_chunks = 0;
    const auto caller = std::this_thread::get_id();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    const auto wait_for = [&](auto ready) {
        while (!ready() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
    };
    pool.parallel_for(count, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
            ++hits[i];
        if (std::this_thread::get_id() != caller) {
            wait_for([&] { return caller_chunks > 0; }); // so the caller does take a chunk
            done_elsewhere += end - begin;
            return;
        }
        if (caller_chunks++ > 0) return;
        wait_for([&] { return done_elsewhere == count - (end - begin); });
    });
    EXPECT_GT(done_elsewhere, count / 2);
    EXPECT_EQ(caller_chunks, 1);
    for (const auto& h : hits)
        EXPECT_EQ(h, 1);
}

TEST(ThreadPool, BackToBackLoopsEachSeeTheirOwnBody) {
    // Decode runs loops back to back while workers may still be spinning on the last one.
    cpu::ThreadPool pool(3);
    std::vector<int> hits(5);
    for (int round = 0; round < 2000; ++round) {
        pool.parallel_for(hits.size(), [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                hits[i] += round % 3;
        });
    }
    const int expected = 666 * (0 + 1 + 2) + 0 + 1; // 666 full cycles, then rounds 1998, 1999
    EXPECT_EQ(hits, std::vector<int>(5, expected));
}

TEST(ThreadPool, EveryThreadComputesUnderTheCallersFloatingPointMode) {
    if (!cpu::can_flush_denormals) GTEST_SKIP() << "no denormal control on this architecture";
    cpu::ThreadPool pool(3);
    const std::size_t count = 48;
    // Per index: a product whose result is a denormal (1e-40: zero when results are flushed), and
    // one whose input is (1e-40 * 2^100: zero when inputs are flushed).
    struct Products {
        std::vector<float> tiny_result, tiny_input;
    };
    const auto compute = [&] {
        Products out{std::vector<float>(count, -1.0f), std::vector<float>(count, -1.0f)};
        std::mutex mutex;
        std::set<std::thread::id> threads;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        pool.parallel_for(count, [&](std::size_t begin, std::size_t end) {
            volatile float tiny = 1e-20f, denormal = 1e-40f;
            for (std::size_t i = begin; i < end; ++i) {
                out.tiny_result[i] = tiny * tiny;
                out.tiny_input[i] = denormal * 0x1p100f;
            }
            // Every thread holds its first chunk until all have one, so all of them compute.
            std::unique_lock lock(mutex);
            threads.insert(std::this_thread::get_id());
            while (threads.size() < pool.size() && std::chrono::steady_clock::now() < deadline) {
                lock.unlock();
                std::this_thread::yield();
                lock.lock();
            }
        });
        EXPECT_EQ(threads.size(), pool.size());
        return out;
    };
    Products flushed;
    {
        const cpu::ScopedDenormals flush(cpu::Denormals::flushed);
        flushed = compute();
    }
    // Compared outside the scope: inside it a denormal compares equal to zero.
    EXPECT_EQ(flushed.tiny_result, std::vector<float>(count, 0.0f));
    EXPECT_EQ(flushed.tiny_input, std::vector<float>(count, 0.0f));
    // Restored on the caller, and so on the workers, which take the caller's mode every loop.
    const Products kept = compute();
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_GT(kept.tiny_result[i], 0.0f);
        EXPECT_GT(kept.tiny_input[i], 0.0f);
    }
}

} // namespace
