#include "block_runner.h"

#include <algorithm>
#include <new>
#include <sys/mman.h>
#include <utility>
#include <vector>

#include "fiber_switch.h"

uint3 threadIdx, blockIdx;
dim3 blockDim, gridDim;

namespace hearth::cuda_emulator {
namespace {

constexpr unsigned warp_size = 32;
constexpr std::size_t stack_bytes = 128 * 1024; // kernels keep a few small arrays on the stack
constexpr std::size_t cache_line = 64, page = 4096;

enum class Waiting { nothing, block_barrier, warp_barrier };

// A fiber's stack, with an unreadable page below it: a kernel that overflows it faults rather
// than writing over another fiber's.
class Stack {
  public:
    Stack() {
        void* mapping =
            mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapping == MAP_FAILED) throw std::bad_alloc();
        base_ = static_cast<std::byte*>(mapping);
        mprotect(base_, page, PROT_NONE);
    }
    Stack(Stack&& other) noexcept : base_(std::exchange(other.base_, nullptr)) {}
    Stack& operator=(Stack&&) = delete;
    ~Stack() {
        if (base_) munmap(base_, bytes);
    }
    std::byte* end() const { return base_ + bytes; }

  private:
    static constexpr std::size_t bytes = stack_bytes + 2 * page; // the guard, and room to skew
    std::byte* base_ = nullptr;
};

struct Fiber {
    explicit Fiber(std::size_t index)
        // Tops a page apart would share a few cache sets, and switching between a block's fibers
        // would miss the cache on every switch: each one starts 9 lines further down.
        : stack_top(stack.end() - index * 9 % (page / cache_line) * cache_line) {}
    Stack stack;
    std::byte* stack_top;
    void* stack_pointer = nullptr; // where a switch to this fiber resumes it
    uint3 thread;
    Waiting waiting = Waiting::nothing;
    bool ended = false;
    // This lane's values in warp exchanges, alternately in one and the other: a lane that has
    // passed the next exchange's barrier knows every lane has read the one before.
    std::uint64_t offered[2] = {};
    unsigned exchanges = 0;
};

struct Warp {
    unsigned live = 0, waiting = 0; // lanes not ended; of those, how many wait at its barrier
};

// The block being run. The driver runs one kernel at a time, so one is enough.
struct Block {
    void* scheduler = nullptr; // run_block's stack pointer while the block's fibers run
    std::vector<Fiber> fibers; // grown to the largest block seen, stacks reused
    std::vector<Warp> warps;
    unsigned count = 0, current = 0;
    // Threads take turns in index order, or (every other block) in reverse: a barrier missing
    // between one thread's write and another's read shows whichever of the two comes first.
    bool reversed = false;
    unsigned live = 0, waiting = 0; // threads not ended; of those, how many wait at __syncthreads
    const std::function<void()>* kernel = nullptr;
    std::string error;
} block;

Fiber& running() { return block.fibers[block.current]; }
Warp& running_warp() { return block.warps[block.current / warp_size]; }

std::string describe(uint3 v) {
    return "(" + std::to_string(v.x) + ", " + std::to_string(v.y) + ", " + std::to_string(v.z) +
           ")";
}

void open(Waiting barrier, unsigned first, unsigned end) {
    for (unsigned i = first; i < end; ++i) {
        if (block.fibers[i].waiting == barrier) block.fibers[i].waiting = Waiting::nothing;
    }
}
void open_warp_barrier(unsigned warp) {
    open(Waiting::warp_barrier, warp * warp_size, std::min(block.count, (warp + 1) * warp_size));
    block.warps[warp].waiting = 0;
}
void open_block_barrier() {
    open(Waiting::block_barrier, 0, block.count);
    block.waiting = 0;
}

// Back to run_block for good: the block has ended, or cannot go on (`error`).
[[noreturn]] void leave_block(std::string error) {
    block.error = std::move(error);
    hearth_emulator_switch(&running().stack_pointer, block.scheduler);
    __builtin_unreachable(); // run_block does not resume a fiber of a finished block
}

// Runs the next fiber of [first, end) after the running one (in a cycle, in the block's order)
// that can run; returns when the running fiber is resumed. None can run: the threads wait at
// different barriers. The running fiber waits or has ended, so it is not the one found.
void run_next(unsigned first, unsigned end) {
    unsigned next = block.current;
    for (unsigned step = 1; step < end - first; ++step) {
        if (block.reversed) {
            next = next == first ? end - 1 : next - 1;
        } else if (++next == end) {
            next = first;
        }
        const Fiber& fiber = block.fibers[next];
        if (fiber.ended || fiber.waiting != Waiting::nothing) continue;
        void** saved = &running().stack_pointer;
        block.current = next;
        threadIdx = fiber.thread;
        hearth_emulator_switch(saved, fiber.stack_pointer);
        return;
    }
    leave_block("its threads wait at different barriers (__syncthreads in divergent code, or a "
                "warp exchange some lanes skip)");
}

void wait_in_warp() {
    running().waiting = Waiting::warp_barrier;
    Warp& warp = running_warp();
    if (++warp.waiting == warp.live) return open_warp_barrier(block.current / warp_size);
    const unsigned first = block.current / warp_size * warp_size;
    run_next(first, std::min(block.count, first + warp_size));
}

[[noreturn]] void fiber_main() {
    (*block.kernel)();
    running().ended = true;
    Warp& warp = running_warp();
    --warp.live;
    if (--block.live == 0) leave_block({});
    // The barriers this thread's end leaves with every other thread at them open now.
    if (warp.live > 0 && warp.waiting == warp.live) open_warp_barrier(block.current / warp_size);
    if (block.waiting == block.live) open_block_barrier();
    run_next(0, block.count);
    __builtin_unreachable(); // an ended fiber is never resumed
}

std::string run_block(dim3 index, dim3 shape) {
    block.count = shape.x * shape.y * shape.z;
    while (block.fibers.size() < block.count)
        block.fibers.emplace_back(block.fibers.size());
    for (unsigned i = 0; i < block.count; ++i) {
        Fiber& fiber = block.fibers[i];
        fiber.stack_pointer = fresh_fiber_stack(fiber.stack_top, fiber_main);
        fiber.thread = {i % shape.x, i / shape.x % shape.y, i / (shape.x * shape.y)};
        fiber.waiting = Waiting::nothing;
        fiber.ended = false;
        fiber.exchanges = 0;
    }
    block.warps.assign((block.count + warp_size - 1) / warp_size, Warp{});
    for (unsigned i = 0; i < block.count; ++i)
        ++block.warps[i / warp_size].live;
    block.live = block.count;
    block.waiting = 0;
    block.error.clear();
    blockIdx = index;
    block.reversed = (index.x + index.y + index.z) % 2 == 1;
    block.current = block.reversed ? block.count - 1 : 0;
    threadIdx = block.fibers[block.current].thread;
    hearth_emulator_switch(&block.scheduler, block.fibers[block.current].stack_pointer);
    return block.error.empty() ? std::string() : "block " + describe(index) + ": " + block.error;
}

} // namespace

void fail_launch(const char* why) { leave_block(why); }

void sync_block() {
    // Undefined on a GPU (some hang, some count only the threads still running).
    if (block.live < block.count)
        fail_launch("__syncthreads after some of the block's threads ended");
    running().waiting = Waiting::block_barrier;
    if (++block.waiting == block.live) return open_block_barrier();
    run_next(0, block.count);
}

std::uint64_t exchange_in_warp(std::uint64_t bits, unsigned lane_mask) {
    const unsigned me = block.current;
    const unsigned exchange = block.fibers[me].exchanges++, slot = exchange % 2;
    block.fibers[me].offered[slot] = bits;
    wait_in_warp();
    // The partner may have gone on (even ended) since, but it took part only if it got here.
    const unsigned partner = me ^ lane_mask;
    if (lane_mask >= warp_size || partner >= block.count ||
        block.fibers[partner].exchanges <= exchange) {
        leave_block("thread " + describe(running().thread) + " exchanged with lane " +
                    std::to_string(partner % warp_size) + ", which had ended or does not exist");
    }
    return block.fibers[partner].offered[slot];
}

std::string run_grid(const std::function<void()>& kernel, dim3 grid, dim3 shape) {
    block.kernel = &kernel;
    gridDim = grid;
    blockDim = shape;
    // Last block first: a GPU runs a grid's blocks in no set order, so a kernel whose last block
    // to finish does more (a router's choice, attention's merge) must not find that it is always
    // the block of the highest index.
    for (unsigned z = grid.z; z-- > 0;) {
        for (unsigned y = grid.y; y-- > 0;) {
            for (unsigned x = grid.x; x-- > 0;) {
                if (auto error = run_block({x, y, z}, shape); !error.empty()) return error;
            }
        }
    }
    return {};
}

} // namespace hearth::cuda_emulator
