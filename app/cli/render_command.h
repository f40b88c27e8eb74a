// `hearth-cli render`: a conversation file rendered into the Harmony prompt the model reads.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_render_command(std::span<const std::string_view> args);

} // namespace hearth::cli
