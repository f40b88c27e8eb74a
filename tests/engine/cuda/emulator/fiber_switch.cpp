#include "fiber_switch.h"

// Pushes the callee-saved registers, stores the stack pointer, takes the other fiber's and pops
// its registers: the System V ABI lets a call clobber everything else.
asm(R"(
    .text
    .globl hearth_emulator_switch
    .hidden hearth_emulator_switch
    .type hearth_emulator_switch, @function
hearth_emulator_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size hearth_emulator_switch, .-hearth_emulator_switch
    .section .note.GNU-stack, "", @progbits
)");
