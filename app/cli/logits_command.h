// `hearth-cli logits --model MODEL --ids 1,2,3 [--backend B] [--threads N] [--top K] [--json]`:
// the logits of the last position (the top K ids and values, or all of them).
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_logits_command(std::span<const std::string_view> args);

} // namespace hearth::cli
