// `hearth-cli tokenize`: the token ids of a text, or the tokenizer's encoding speed (--bench).
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_tokenize_command(std::span<const std::string_view> args);

} // namespace hearth::cli
