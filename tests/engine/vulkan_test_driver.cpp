#include "vulkan_test_driver.h"

#include <cstdlib>
#include <string_view>

namespace hearth::test {
namespace {

const bool driver_chosen = [] {
    const std::string_view icd = HEARTH_TEST_VULKAN_ICD;
    if (!icd.empty() && !std::getenv("VK_DRIVER_FILES")) {
        setenv("VK_DRIVER_FILES", HEARTH_TEST_VULKAN_ICD, 1);
        setenv("VK_ICD_FILENAMES", HEARTH_TEST_VULKAN_ICD, 1); // loaders before 1.3.207
    }
    return true;
}();

} // namespace

bool vulkan_driver_is_lavapipe() {
    const char* files = std::getenv("VK_DRIVER_FILES");
    return driver_chosen && files &&
           std::string_view(files).find("lvp_icd") != std::string_view::npos;
}

} // namespace hearth::test
