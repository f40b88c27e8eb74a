// Switching between fibers without a system call (ucontext's swapcontext saves the signal mask
// with one each time, which made a tiny model's forward pass take minutes). x86-64 only: the
// callee-saved registers go on the stack being left, and its stack pointer into *save.
#pragma once

#include <cstddef>

namespace hearth::cuda_emulator {

extern "C" void hearth_emulator_switch(void** save, void* resume);

// A stack pointer that hearth_emulator_switch resumes by calling entry(), which must never return
// (it ends by switching away for good). `top` is one past the stack's highest byte.
inline void* fresh_fiber_stack(std::byte* top, void (*entry)()) {
    auto* slots = reinterpret_cast<void**>(reinterpret_cast<std::size_t>(top) & ~std::size_t{15});
    slots -= 2;
    slots[0] = reinterpret_cast<void*>(entry); // the return address the switch's `ret` takes
    slots[1] = nullptr;                        // entry's own return address: it never returns
    slots -= 6;                                // rbp, rbx, r12-r15, popped as garbage
    for (int i = 0; i < 6; ++i)
        slots[i] = nullptr;
    return slots;
}

} // namespace hearth::cuda_emulator
