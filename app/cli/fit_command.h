// `hearth-cli fit --model MODEL [--memory-gib N]`: will the model fit, with how long a context.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

// Exit status 0 when it fits, 3 when it does not, 1 on an error, 2 on a usage error.
int run_fit_command(std::span<const std::string_view> args);

} // namespace hearth::cli
