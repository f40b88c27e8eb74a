// The backends Settings offers: automatic, CUDA, each Vulkan device by name, and the CPU, each
// usable or not (and why not); and how a stored choice becomes the engine's ModelOptions.
//
// A choice is stored as "auto", "cuda", "cpu", "vulkan:N" (Vulkan device N of
// enumerate_vulkan_devices()) or "vulkan" (the best Vulkan device; what earlier versions stored).
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

#include "hearth/backend_survey.h"
#include "hearth/error.h"
#include "hearth/gpu_devices.h"
#include "hearth/model.h"

struct BackendChoiceOption {
    QString value;  // as stored: "auto", "cuda", "vulkan:0", "cpu"
    QString kind;   // "auto", "cuda", "vulkan" or "cpu"
    QString device; // a Vulkan device's name; empty for the others
    bool usable = false;
    QString detail;    // what it runs on, or why it cannot be used
    bool best = false; // the Vulkan device plain "vulkan" (and automatic selection) takes
};

// The choices, in the order automatic selection tries the backends, from the engine's survey
// and its list of Vulkan devices (or the reason there is none).
std::vector<BackendChoiceOption>
backend_choices(const std::vector<hearth::BackendStatus>& survey,
                const hearth::Result<std::vector<hearth::VulkanDeviceInfo>>& vulkan_devices);

// Whether `value` is a choice as stored (not whether this machine can use it).
bool is_backend_choice(const QString& value);

// Sets options.backend (and options.vulkan_device for "vulkan:N") from a stored choice; fails
// on anything is_backend_choice() refuses.
hearth::Result<void> apply_backend_choice(const QString& value, hearth::ModelOptions& options);
