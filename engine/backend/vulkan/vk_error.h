// Turning VkResult codes into hearth::Error values.
#pragma once

#include <string>
#include <string_view>
#include <vulkan/vulkan.h>

#include "hearth/error.h"

namespace hearth::vk {

std::string_view result_name(VkResult result);

// "Vulkan: <what> failed" with the code name in the detail; for a lost device, that the GPU
// stopped responding, and for device memory, that it ran out (both needs_reload).
std::unexpected<Error> fail_vk(std::string_view what, VkResult result);

// Whether `error` is fail_vk's for device memory running out.
bool is_out_of_device_memory(const Error& error);

} // namespace hearth::vk
