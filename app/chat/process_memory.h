// How much memory this process holds now, as the status line shows it.
#pragma once

#include <cstdint>

namespace hearth::app {

// Bytes of RAM the process has resident now (Linux: /proc/self/statm, file pages of a mapped
// model included); 0 where that cannot be read. Reads a file: call it off the GUI thread.
std::uint64_t resident_memory_bytes();

} // namespace hearth::app
