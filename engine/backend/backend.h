// The one interface every compute backend (CPU, Vulkan, CUDA) implements. The runtime owns the
// token loop, sampling and stop conditions; a backend owns device memory and runs the forward
// pass for a batch of tokens of one sequence.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "hearth/error.h"

namespace hearth {

// One sequence's state on a backend: its KV cache.
class BackendContext {
  public:
    virtual ~BackendContext() = default;

    // Positions whose keys and values are held.
    virtual std::uint32_t length() const = 0;
    virtual std::uint32_t capacity() const = 0;

    // Runs `tokens` at positions length(), length()+1, ... and writes the logits of the last one
    // into `logits` (vocabulary-sized; may be empty to skip the unembedding).
    virtual Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) = 0;

    // Forgets positions >= keep. Returns the positions still usable, which can be fewer than
    // `keep` when a sliding-window cache no longer holds what later positions would need; the
    // caller then appends the tokens from there again.
    virtual std::uint32_t truncate(std::uint32_t keep) = 0;
};

class Backend {
  public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    virtual std::uint32_t vocab_size() const = 0;
    virtual Result<std::unique_ptr<BackendContext>> create_context(std::uint32_t max_positions) = 0;
};

} // namespace hearth
