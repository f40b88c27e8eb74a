// The CPU backend computes with denormal floats (magnitudes below 2^-126) flushed to zero, as GPUs
// do. An Intel core takes a microcode assist of about a hundred cycles for each vector instruction
// that meets one, and in a model they are common: an MXFP4 block with a tiny scale (a synthetic
// model's zeroed blocks have scale 2^-127) makes a whole row of them, and softmax weights far below
// the maximum make more. Decode on such a model ran 12x slower. Their values are far below
// anything that can change a logit in fp32.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace hearth::cpu {

// A thread's floating-point mode is its control bits only (rounding, flushing, exception masks),
// not the sticky flags that record which exceptions have happened.
#if defined(__x86_64__) || defined(__i386__)
constexpr bool can_flush_denormals = true;
// MXCSR's flush-to-zero (results) and denormals-are-zero (inputs) bits.
constexpr std::uint64_t denormals_flushed_bits = 0x8040;
constexpr std::uint64_t mxcsr_status_flags = 0x3F;
inline std::uint64_t floating_point_mode() { return _mm_getcsr() & ~mxcsr_status_flags; }
inline void set_floating_point_mode(std::uint64_t mode) {
    _mm_setcsr(static_cast<unsigned>((_mm_getcsr() & mxcsr_status_flags) | mode));
}
#elif defined(__aarch64__)
constexpr bool can_flush_denormals = true;
// FPCR's FZ bit flushes both inputs and results (FPCR holds no status flags).
constexpr std::uint64_t denormals_flushed_bits = std::uint64_t{1} << 24;
inline std::uint64_t floating_point_mode() {
    std::uint64_t fpcr;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr) : : "memory");
    return fpcr;
}
inline void set_floating_point_mode(std::uint64_t mode) {
    asm volatile("msr fpcr, %0" : : "r"(mode) : "memory");
}
#else
constexpr bool can_flush_denormals = false;
constexpr std::uint64_t denormals_flushed_bits = 0;
inline std::uint64_t floating_point_mode() { return 0; }
inline void set_floating_point_mode(std::uint64_t) {}
#endif

enum class Denormals { flushed, kept };

// Flushes denormals to zero on this thread, or keeps them, while in scope; then puts back the
// caller's choice (and only that).
class ScopedDenormals {
  public:
    explicit ScopedDenormals(Denormals denormals)
        : saved_(floating_point_mode() & denormals_flushed_bits) {
        const std::uint64_t others = floating_point_mode() & ~denormals_flushed_bits;
        set_floating_point_mode(denormals == Denormals::flushed ? others | denormals_flushed_bits
                                                                : others);
    }
    ~ScopedDenormals() {
        set_floating_point_mode((floating_point_mode() & ~denormals_flushed_bits) | saved_);
    }
    ScopedDenormals(const ScopedDenormals&) = delete;
    ScopedDenormals& operator=(const ScopedDenormals&) = delete;

  private:
    std::uint64_t saved_;
};

} // namespace hearth::cpu
