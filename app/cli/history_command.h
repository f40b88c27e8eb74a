// `hearth-cli history`: the conversation history from a terminal.
//   history list [--db PATH]                       saved conversations, newest first
//   history search QUERY [--db PATH]               full-text search, answers and reasoning
//   history export [--id N ...] [--format md|json] [--out FILE] [--db PATH]
//   history import FILE [--db PATH]                conversations from an exported JSON file
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_history_command(std::span<const std::string_view> args);

} // namespace hearth::cli
