// `hearth-cli run --model MODEL --prompt TEXT [generation options]`: one answer, streamed.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_run_command(std::span<const std::string_view> args);

} // namespace hearth::cli
