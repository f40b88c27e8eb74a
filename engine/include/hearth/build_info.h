// What this build of Hearth is: version, build type and compiled-in backends.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace hearth {

std::string_view version();
std::string_view build_type();
// Backends compiled into this binary, in the order they are preferred.
std::span<const std::string_view> compiled_backends();
// "hearth 0.1.0 (Release) backends: vulkan, cuda" with `program` in place of "hearth".
std::string version_line(std::string_view program);

} // namespace hearth
