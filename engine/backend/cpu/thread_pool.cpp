#include "thread_pool.h"

namespace hearth::cpu {
namespace {

// Thread `index` of `threads` takes this share of [0, count).
std::pair<std::size_t, std::size_t> chunk(std::size_t count, unsigned threads, unsigned index) {
    const std::size_t base = count / threads, extra = count % threads;
    const std::size_t begin = index * base + std::min<std::size_t>(index, extra);
    return {begin, begin + base + (index < extra ? 1 : 0)};
}

} // namespace

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threads; ++i)
        workers_.emplace_back([this, i] { work(i); });
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
    {
        std::lock_guard lock(mutex_);
        body_ = &body;
        count_ = count;
        pending_ = static_cast<unsigned>(workers_.size());
        ++generation_;
    }
    start_.notify_all();
    const auto [begin, end] = chunk(count, size(), 0);
    if (begin < end) body(begin, end);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
}

void ThreadPool::work(unsigned index) {
    std::size_t seen = 0;
    while (true) {
        std::unique_lock lock(mutex_);
        start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        const auto* body = body_;
        const auto [begin, end] = chunk(count_, size(), index);
        lock.unlock();
        if (begin < end) (*body)(begin, end);
        lock.lock();
        if (--pending_ == 0) done_.notify_one();
    }
}

} // namespace hearth::cpu
