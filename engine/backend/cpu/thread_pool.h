// A fixed set of worker threads for data-parallel loops. The caller's thread takes a share of
// every loop, so a pool of one thread runs everything inline. Decode runs hundreds of short loops
// a token, so a waiting thread spins briefly before it sleeps: waking a sleeping thread costs
// more than most of those loops. Workers run each loop under the caller's floating-point mode (so
// a caller that flushes denormals has them flushed on every thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace hearth::cpu {

class ThreadPool {
  public:
    // `threads` includes the calling thread; 0 means one per hardware thread.
    explicit ThreadPool(unsigned threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

    // Calls body(begin, end) over [0, count) split into contiguous chunks, which the threads
    // take in turn, and returns when all are done. Not reentrant: body must not call
    // parallel_for.
    void parallel_for(std::size_t count, const std::function<void(std::size_t, std::size_t)>& body);

  private:
    void work();
    // Takes and runs chunks of the current loop until none are left.
    void run_chunks();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable done_;
    // Written by parallel_for before it publishes a new generation, read by workers after.
    const std::function<void(std::size_t, std::size_t)>* body_ = nullptr;
    std::size_t count_ = 0, chunks_ = 0;
    std::uint64_t floating_point_mode_ = 0;
    std::atomic<std::size_t> next_chunk_ = 0;
    std::atomic<std::uint64_t> generation_ = 0;
    std::atomic<unsigned> pending_ = 0;
    std::atomic<bool> stopping_ = false;
};

} // namespace hearth::cpu
