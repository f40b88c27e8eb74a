#include "memory_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace hearth::bench {

double measure_copy_bandwidth(unsigned threads) {
    // Far larger than any cache, so the copy streams from and to DRAM.
    constexpr std::size_t bytes = std::size_t{512} << 20;
    std::vector<char> source(bytes, 1), target(bytes, 0);
    threads = std::max(1u, threads);
    double best = 0;
    for (int run = 0; run < 5; ++run) {
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        const std::size_t share = bytes / threads;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                const std::size_t size = t + 1 == threads ? bytes - t * share : share;
                std::memcpy(target.data() + t * share, source.data() + t * share, size);
            });
        }
        for (auto& worker : workers)
            worker.join();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, 2.0 * static_cast<double>(bytes) / seconds);
    }
    return best;
}

} // namespace hearth::bench
