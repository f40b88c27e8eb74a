// Options of the form `--name value` and `--flag`, shared by hearth-cli's commands.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "hearth/error.h"

namespace hearth::cli {

class CommandOptions {
  public:
    // Fails on an unknown option, a value option without its value, or a repeated option.
    static Result<CommandOptions> parse(std::span<const std::string_view> args,
                                        std::set<std::string_view> value_options,
                                        std::set<std::string_view> flag_options);

    std::optional<std::string> value(std::string_view name) const;
    bool flag(std::string_view name) const { return flags_.contains(std::string(name)); }

  private:
    std::map<std::string, std::string, std::less<>> values_;
    std::set<std::string, std::less<>> flags_;
};

// The whole file as bytes.
Result<std::string> read_file(const std::string& path);

// Prints "hearth-cli COMMAND: message (detail)" on stderr and returns the exit status 1.
int report_error(std::string_view command, const Error& error);

} // namespace hearth::cli
