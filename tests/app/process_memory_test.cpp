// The resident memory the status line shows follows what the process really touches.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "process_memory.h"

namespace {

TEST(ProcessMemory, ResidentMemoryGrowsByWhatIsTouched) {
    const std::uint64_t before = hearth::app::resident_memory_bytes();
    ASSERT_GT(before, 0u);
    constexpr std::size_t size = 64u << 20;
    auto block = std::make_unique<char[]>(size); // value-initialised: every page written
    std::memset(block.get(), 1, size);
    const std::uint64_t after = hearth::app::resident_memory_bytes();
    EXPECT_GE(after, before + size - (4u << 20)) << before << " -> " << after;
    EXPECT_EQ(block[size - 1], 1);
}

} // namespace
