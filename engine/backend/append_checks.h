// What every backend's Sequence::append refuses before running anything, in the same words.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hearth/error.h"
#include "model/model_config.h"

namespace hearth {

inline Result<void> check_append(const model::ModelConfig& config,
                                 std::span<const std::int32_t> tokens, std::span<const float> logits,
                                 std::uint32_t length, std::uint32_t max_positions) {
    if (tokens.empty()) return fail("Nothing to run: no tokens");
    if (tokens.size() > max_positions - length) {
        return fail("The conversation no longer fits in the context (" +
                    std::to_string(max_positions) + " tokens)");
    }
    if (!logits.empty() && logits.size() != config.vocab_size) {
        return fail("Internal error: the logits buffer does not match the vocabulary");
    }
    for (std::int32_t token : tokens) {
        if (token < 0 || static_cast<std::uint32_t>(token) >= config.vocab_size) {
            return fail("Token id " + std::to_string(token) + " is outside the vocabulary");
        }
    }
    return {};
}

} // namespace hearth
