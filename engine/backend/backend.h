// The one interface every compute backend (CPU, Vulkan, CUDA) implements. The runtime owns the
// token loop, sampling and stop conditions; a backend owns device memory and runs the forward
// pass for a batch of tokens of one sequence.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hearth/error.h"
#include "hearth/model.h"

namespace hearth {

class Backend {
  public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    // Where it runs, for people: "Vulkan on AMD Radeon RX 7800 XT", "CPU, 8 threads".
    virtual std::string description() const = 0;
    virtual std::uint32_t vocab_size() const = 0;
    // Bytes its KV cache takes for one position of one KV head, keys or values alone.
    virtual std::uint64_t kv_cache_row_bytes() const = 0;
    // A sequence (its KV cache) on this backend; hearth::Sequence is the interface backends
    // implement for it.
    virtual Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) = 0;
    // Device memory bandwidth, timed on the device, where the backend owns one.
    virtual Result<MemoryBandwidth> measure_bandwidth() {
        return fail("This backend runs on host memory; measure it on the host");
    }
    // Bytes of device memory its buffers hold now (weights, KV caches); 0 on host memory.
    virtual std::uint64_t device_memory_bytes() const { return 0; }
    // Bytes of device memory the process may still allocate, as the driver says now; none on
    // host memory or when the driver cannot say.
    virtual std::optional<std::uint64_t> device_memory_free() const { return std::nullopt; }
};

} // namespace hearth
