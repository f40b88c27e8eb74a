// `hearth-cli inspect MODEL [--json]`: what a model file is and what it needs, without loading it.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_inspect_command(std::span<const std::string_view> args);

} // namespace hearth::cli
