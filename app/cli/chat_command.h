// `hearth-cli chat --model MODEL [generation options]`: a multi-turn chat in the terminal.
// Ctrl+C stops the answer being written; /reset starts over; /exit or end of input quits.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_chat_command(std::span<const std::string_view> args);

} // namespace hearth::cli
