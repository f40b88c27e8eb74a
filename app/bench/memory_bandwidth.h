// Measures this machine's memory bandwidth with a multi-threaded copy, the denominator of the
// decode speed limit (bytes a token must read / bandwidth).
#pragma once

namespace hearth::bench {

// Best of several runs, in bytes per second, counting each byte read and each byte written.
double measure_copy_bandwidth(unsigned threads);

} // namespace hearth::bench
