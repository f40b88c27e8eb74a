// What every backend refuses before running anything (a context of a size the model cannot
// hold, tokens that do not fit or are outside the vocabulary), in the same words.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hearth/error.h"
#include "model/model_config.h"

namespace hearth {

inline Result<void> check_context_size(const model::ModelConfig& config,
                                       std::uint32_t max_positions) {
    if (max_positions == 0 || max_positions > config.context_length) {
        return fail("The context size must be between 1 and " +
                    std::to_string(config.context_length) + " tokens");
    }
    return {};
}

inline Result<void> check_append(const model::ModelConfig& config,
                                 std::span<const std::int32_t> tokens,
                                 std::span<const float> logits, std::uint32_t length,
                                 std::uint32_t max_positions) {
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
