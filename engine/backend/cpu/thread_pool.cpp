#include "thread_pool.h"

#include <chrono>

#include "float_mode.h"

namespace hearth::cpu {
namespace {

// Chunk `index` of `chunks` covers this share of [0, count).
std::pair<std::size_t, std::size_t> chunk(std::size_t count, std::size_t chunks,
                                          std::size_t index) {
    const std::size_t base = count / chunks, extra = count % chunks;
    const std::size_t begin = index * base + std::min<std::size_t>(index, extra);
    return {begin, begin + base + (index < extra ? 1 : 0)};
}

// Threads take chunks from a shared counter rather than one fixed share each, so a thread that
// runs slower (its core shared with another program or virtual machine) takes fewer: a loop
// then ends when the work is done, not when the slowest thread's share is.
constexpr std::size_t chunks_per_thread = 8;

// Longer than the gaps between a token's loops, far shorter than the gap between tokens.
constexpr auto spin_limit = std::chrono::microseconds(50);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Spins until ready() or spin_limit passes; true when ready.
template <typename Ready>
bool spin_until(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + spin_limit;
    while (!ready()) {
        for (int i = 0; i < 64; ++i)
            relax();
        if (std::chrono::steady_clock::now() > deadline) return ready();
    }
    return true;
}

} // namespace

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threads; ++i)
        workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    for (auto& worker : workers_)
        worker.join();
}

void ThreadPool::parallel_for(std::size_t count,
                              const std::function<void(std::size_t, std::size_t)>& body) {
    if (workers_.empty() || count < 2) {
        if (count > 0) body(0, count);
        return;
    }
    body_ = &body;
    count_ = count;
    floating_point_mode_ = floating_point_mode();
    chunks_ = std::min<std::size_t>(count, size() * chunks_per_thread);
    next_chunk_.store(0, std::memory_order_relaxed);
    pending_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
    {
        // Under the lock, so a worker that has just found no new generation and is about to
        // sleep cannot miss this one.
        std::lock_guard lock(mutex_);
        generation_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
    run_chunks();
    auto all_done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!spin_until(all_done)) {
        std::unique_lock lock(mutex_);
        done_.wait(lock, all_done);
    }
    body_ = nullptr;
}

void ThreadPool::run_chunks() {
    while (true) {
        const std::size_t c = next_chunk_.fetch_add(1, std::memory_order_relaxed);
        if (c >= chunks_) return;
        const auto [begin, end] = chunk(count_, chunks_, c);
        (*body_)(begin, end);
    }
}

void ThreadPool::work() {
    std::uint64_t seen = 0;
    while (true) {
        auto started = [&] {
            return stopping_.load(std::memory_order_acquire) ||
                   generation_.load(std::memory_order_acquire) != seen;
        };
        if (!spin_until(started)) {
            std::unique_lock lock(mutex_);
            start_.wait(lock, started);
        }
        if (stopping_.load(std::memory_order_acquire)) return;
        seen = generation_.load(std::memory_order_acquire);
        if (floating_point_mode() != floating_point_mode_) {
            set_floating_point_mode(floating_point_mode_);
        }
        run_chunks();
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard lock(mutex_);
            done_.notify_one();
        }
    }
}

} // namespace hearth::cpu
