#include "memory_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <thread>
#include <vector>

namespace hearth::bench {
namespace {

// Far larger than any cache, so every run streams from DRAM.
constexpr std::size_t buffer_bytes = std::size_t{512} << 20;

// Runs body(begin, end) on `threads` threads over [0, size) and returns the seconds it took.
template <typename Body>
double timed_split(std::size_t size, unsigned threads, Body body) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    const std::size_t share = size / threads;
    for (unsigned t = 0; t < threads; ++t) {
        const std::size_t begin = t * share, end = t + 1 == threads ? size : begin + share;
        workers.emplace_back([&body, t, begin, end] { body(t, begin, end); });
    }
    for (auto& worker : workers)
        worker.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

double measure_copy_bandwidth(unsigned threads) {
    std::vector<char> source(buffer_bytes, 1), target(buffer_bytes, 0);
    threads = std::max(1u, threads);
    double best = 0;
    for (int run = 0; run < 5; ++run) {
        const double seconds =
            timed_split(buffer_bytes, threads, [&](unsigned, std::size_t begin, std::size_t end) {
                std::memcpy(target.data() + begin, source.data() + begin, end - begin);
            });
        best = std::max(best, 2.0 * static_cast<double>(buffer_bytes) / seconds);
    }
    return best;
}

double measure_read_bandwidth(unsigned threads) {
    std::vector<std::uint64_t> data(buffer_bytes / sizeof(std::uint64_t), 1);
    threads = std::max(1u, threads);
    std::vector<std::uint64_t> sums(threads);
    double best = 0;
    for (int run = 0; run < 5; ++run) {
        const double seconds =
            timed_split(data.size(), threads, [&](unsigned t, std::size_t begin, std::size_t end) {
                // Four independent sums, so the loop is bound by the loads, not one add chain.
                std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (std::size_t i = begin; i + 4 <= end; i += 4) {
                    s0 += data[i];
                    s1 += data[i + 1];
                    s2 += data[i + 2];
                    s3 += data[i + 3];
                }
                sums[t] = s0 + s1 + s2 + s3;
            });
        best = std::max(best, static_cast<double>(buffer_bytes) / seconds);
    }
    // The sums are used, so the reads cannot be optimised away.
    return std::accumulate(sums.begin(), sums.end(), std::uint64_t{0}) > 0 ? best : 0.0;
}

} // namespace hearth::bench
