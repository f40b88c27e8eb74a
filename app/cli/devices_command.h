// `hearth-cli devices`: the Vulkan devices and NVIDIA GPUs Hearth can use, and why not if not.
#pragma once

#include <span>
#include <string_view>

namespace hearth::cli {

int run_devices_command(std::span<const std::string_view> args);

} // namespace hearth::cli
