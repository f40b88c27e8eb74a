// Float buffers that start on a cache line: the SIMD dot products load 16 floats at a time, and a
// load that straddles two lines costs two.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace hearth::cpu {

template <typename T>
struct CacheLineAllocator {
    using value_type = T;
    static constexpr std::align_val_t alignment{64};

    CacheLineAllocator() = default;
    template <typename U>
    explicit CacheLineAllocator(const CacheLineAllocator<U>&) {}

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, alignment); }
    bool operator==(const CacheLineAllocator&) const = default;
};

using AlignedFloats = std::vector<float, CacheLineAllocator<float>>;

} // namespace hearth::cpu
