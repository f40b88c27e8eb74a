// The one interface every compute backend (CPU, Vulkan, CUDA) implements. The runtime owns the
// token loop, sampling and stop conditions; a backend owns device memory and runs the forward
// pass for a batch of tokens of one sequence.
#pragma once

#include <cstdint>
#include <memory>
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
    // What runs the model, for people: the GPU's name, or the CPU and its thread count.
    virtual std::string device_name() const = 0;
    virtual std::uint32_t vocab_size() const = 0;
    // A sequence (its KV cache) on this backend; hearth::Sequence is the interface backends
    // implement for it.
    virtual Result<std::unique_ptr<Sequence>> create_context(std::uint32_t max_positions) = 0;
};

} // namespace hearth
