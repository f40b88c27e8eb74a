#include "command_options.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace hearth::cli {

Result<CommandOptions> CommandOptions::parse(std::span<const std::string_view> args,
                                             std::set<std::string_view> value_options,
                                             std::set<std::string_view> flag_options) {
    CommandOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string name(args[i]);
        if (options.values_.contains(name) || options.flags_.contains(name)) {
            return fail("Option " + name + " is given twice.");
        }
        if (flag_options.contains(args[i])) {
            options.flags_.insert(name);
        } else if (value_options.contains(args[i])) {
            if (i + 1 == args.size()) return fail("Option " + name + " needs a value.");
            options.values_.emplace(name, std::string(args[++i]));
        } else {
            return fail("Unknown option '" + name + "'.");
        }
    }
    return options;
}

std::optional<std::string> CommandOptions::value(std::string_view name) const {
    const auto found = values_.find(name);
    if (found == values_.end()) return std::nullopt;
    return found->second;
}

Result<std::string> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return fail("Cannot open " + path + ".");
    std::ostringstream bytes;
    bytes << file.rdbuf();
    if (file.bad()) return fail("Cannot read " + path + ".");
    return bytes.str();
}

int report_error(std::string_view command, const Error& error) {
    std::string line = "hearth-cli " + std::string(command) + ": " + error.message;
    if (!error.detail.empty()) line += " (" + error.detail + ")";
    // One line, whatever the detail holds.
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    return 1;
}

} // namespace hearth::cli
