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
    // The model cannot go on where it is: its GPU stopped (a Vulkan device lost, a CUDA context
    // broken by a fault) or ran out of memory. It must be loaded again before it answers.
    bool needs_reload = false;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, std::string detail = {}) {
    return std::unexpected(Error{std::move(message), std::move(detail)});
}

// An error that needs_reload: `message`, with why (the API's words) in the detail.
inline std::unexpected<Error> fail_needing_reload(std::string message, std::string why) {
    return std::unexpected(Error{std::move(message), std::move(why), true});
}

// The error of an operation the user cancelled (a model load, ...).
inline constexpr std::string_view cancelled_message = "Cancelled";
inline bool is_cancelled(const Error& error) { return error.message == cancelled_message; }

} // namespace hearth
