// Measures this machine's memory bandwidth with a multi-threaded copy, the denominator of the
// decode speed limit (bytes a token must read / bandwidth).
#pragma once

namespace hearth::bench {

// Best of several runs, in bytes per second, counting each byte read and each byte written.
double measure_copy_bandwidth(unsigned threads);

// Best of several runs of summing a large buffer, in bytes read per second: what decoding a token
// does with the weights (it reads them and writes almost nothing), so the limit is stated with it.
double measure_read_bandwidth(unsigned threads);

} // namespace hearth::bench
