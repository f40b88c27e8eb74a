// What each backend would do on this machine, in the order automatic selection tries them:
// the device it would run on, or why it cannot (for `hearth-cli --version` and the UI).
#pragma once

#include <string>
#include <vector>

namespace hearth {

struct BackendStatus {
    std::string name; // "cuda", "vulkan", "cpu"
    bool usable = false;
    std::string detail; // the device, or why not
};

std::vector<BackendStatus> survey_backends();

} // namespace hearth
