#include "vk_error.h"

namespace hearth::vk {

namespace {

constexpr std::string_view out_of_device_memory = "The GPU ran out of memory";

} // namespace

std::string_view result_name(VkResult result) {
    switch (result) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VkResult(unknown)";
    }
}

std::unexpected<Error> fail_vk(std::string_view what, VkResult result) {
    std::string message = "Vulkan: ";
    message += what;
    message += " failed";
    std::string detail{result_name(result)};
    detail += " (";
    detail += std::to_string(static_cast<int>(result));
    detail += ')';
    // Nothing on a lost device runs again, and memory another program took is not coming back
    // to a model that planned without it: said so whatever call noticed.
    if (result == VK_ERROR_DEVICE_LOST) {
        return fail_needing_reload("The GPU stopped responding (Vulkan device lost)",
                                   message + ": " + detail);
    }
    if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY) {
        return fail_needing_reload(std::string(out_of_device_memory), message + ": " + detail);
    }
    return fail(std::move(message), std::move(detail));
}

bool is_out_of_device_memory(const Error& error) {
    return error.needs_reload && error.message == out_of_device_memory;
}

} // namespace hearth::vk
