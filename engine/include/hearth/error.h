// Errors are values: every fallible engine call returns Result<T>.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace hearth {

struct Error {
    // One line a user can read ("No NVIDIA driver found").
    std::string message;
    // What a developer needs from a log (library paths, API codes); may be empty.
    std::string detail;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, std::string detail = {}) {
    return std::unexpected(Error{std::move(message), std::move(detail)});
}

// The error of an operation the user cancelled (a model load, ...).
inline constexpr std::string_view cancelled_message = "Cancelled";
inline bool is_cancelled(const Error& error) { return error.message == cancelled_message; }

} // namespace hearth
