// Which Vulkan driver the tests run on. Before main(), the loader is pointed at the driver chosen
// at configure time (HEARTH_TEST_VULKAN_ICD, lavapipe by default); a VK_DRIVER_FILES set by the
// caller wins, so a developer can run the same tests on a real GPU.
#pragma once

namespace hearth::test {

bool vulkan_driver_is_lavapipe();

} // namespace hearth::test
