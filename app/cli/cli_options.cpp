#include "cli_options.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace hearth::cli {

Result<Options> Options::parse(std::span<const std::string_view> args,
                               const std::set<std::string_view>& valued,
                               const std::set<std::string_view>& flags,
                               std::size_t max_positional) {
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (valued.contains(arg)) {
            if (i + 1 == args.size()) return fail("option " + std::string(arg) + " needs a value");
            if (!options.values_.emplace(std::string(arg), std::string(args[++i])).second) {
                return fail("option " + std::string(arg) + " is given twice");
            }
        } else if (flags.contains(arg)) {
            if (!options.flags_.insert(std::string(arg)).second) {
                return fail("option " + std::string(arg) + " is given twice");
            }
        } else if (!arg.starts_with("--") && options.positional_.size() < max_positional) {
            options.positional_.emplace_back(arg);
        } else {
            return fail("unexpected argument '" + std::string(arg) + "'");
        }
    }
    return options;
}

std::optional<std::string> Options::value(std::string_view name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::nullopt : std::optional(it->second);
}

Result<std::string> Options::required(std::string_view name) const {
    auto v = value(name);
    if (!v) return fail("option " + std::string(name) + " is required");
    return *v;
}

Result<std::uint64_t> Options::unsigned_value(std::string_view name, std::uint64_t fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    std::uint64_t result = 0;
    const auto [end, error] = std::from_chars(v->data(), v->data() + v->size(), result);
    if (error != std::errc() || end != v->data() + v->size()) {
        return fail("option " + std::string(name) + " must be a whole number, not '" + *v + "'");
    }
    return result;
}

Result<double> Options::number(std::string_view name, double fallback) const {
    auto v = value(name);
    if (!v) return fallback;
    try {
        std::size_t used = 0;
        const double result = std::stod(*v, &used);
        if (used == v->size()) return result;
    } catch (const std::exception&) {
    }
    return fail("option " + std::string(name) + " must be a number, not '" + *v + "'");
}

Result<std::vector<std::int64_t>> parse_integer_list(std::string_view text) {
    std::vector<std::int64_t> values;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (error != std::errc() || end != item.data() + item.size() || item.empty()) {
            return fail("'" + std::string(item) + "' is not a whole number");
        }
        values.push_back(value);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    if (values.empty()) return fail("the list is empty");
    return values;
}

std::string today_iso_date() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &local);
    return date;
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
