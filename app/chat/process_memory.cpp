#include "process_memory.h"

#include <fstream>
#include <unistd.h>

namespace hearth::app {

std::uint64_t resident_memory_bytes() {
    // statm: total program size, then resident pages, ...
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size_pages = 0, resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) return 0;
    const long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? resident_pages * static_cast<std::uint64_t>(page) : 0;
}

} // namespace hearth::app
