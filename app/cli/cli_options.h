// A small parser for "--name value" and "--flag" options shared by the hearth-cli commands.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/error.h"

namespace hearth::cli {

class Options {
  public:
    // `valued` options take the next argument; `flags` take none; anything else is an error, as
    // are a repeated option and positional arguments beyond `max_positional`.
    static Result<Options> parse(std::span<const std::string_view> args,
                                 const std::set<std::string_view>& valued,
                                 const std::set<std::string_view>& flags,
                                 std::size_t max_positional = 0);

    std::optional<std::string> value(std::string_view name) const;
    bool flag(std::string_view name) const { return flags_.contains(std::string(name)); }
    const std::vector<std::string>& positional() const { return positional_; }

    // Typed lookups: the error names the option.
    Result<std::string> required(std::string_view name) const;
    Result<std::uint64_t> unsigned_value(std::string_view name, std::uint64_t fallback) const;
    Result<double> number(std::string_view name, double fallback) const;

  private:
    std::map<std::string, std::string, std::less<>> values_;
    std::set<std::string> flags_;
    std::vector<std::string> positional_;
};

// Today's local date as YYYY-MM-DD (the "Current date" a prompt states).
std::string today_iso_date();

// The whole file as bytes.
Result<std::string> read_file(const std::string& path);

// Prints "hearth-cli COMMAND: message (detail)" on one line of stderr and returns exit status 1.
int report_error(std::string_view command, const Error& error);

// "1,2,3" -> {1, 2, 3}
Result<std::vector<std::int64_t>> parse_integer_list(std::string_view text);

} // namespace hearth::cli
