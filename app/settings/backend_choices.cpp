#include "backend_choices.h"

#include <QRegularExpression>

#include <algorithm>

namespace {

const QString vulkan_prefix = QStringLiteral("vulkan:");

QString to_qstring(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

const hearth::BackendStatus* find_status(const std::vector<hearth::BackendStatus>& survey,
                                         std::string_view name) {
    const auto it = std::find_if(survey.begin(), survey.end(),
                                 [name](const hearth::BackendStatus& s) { return s.name == name; });
    return it == survey.end() ? nullptr : &*it;
}

// A backend with no devices to choose from (CUDA, the CPU), as the survey found it.
BackendChoiceOption whole_backend(const hearth::BackendStatus& status) {
    const QString name = to_qstring(status.name);
    return {.value = name,
            .kind = name,
            .device = {},
            .usable = status.usable,
            .detail = QString::fromStdString(status.detail),
            .best = false};
}

} // namespace

std::vector<BackendChoiceOption>
backend_choices(const std::vector<hearth::BackendStatus>& survey,
                const hearth::Result<std::vector<hearth::VulkanDeviceInfo>>& vulkan_devices) {
    std::vector<BackendChoiceOption> choices;
    // Automatic selection takes the first usable backend of the survey.
    const auto first_usable = std::find_if(survey.begin(), survey.end(),
                                           [](const hearth::BackendStatus& s) { return s.usable; });
    choices.push_back({.value = QStringLiteral("auto"),
                       .kind = QStringLiteral("auto"),
                       .device = {},
                       .usable = true,
                       .detail = first_usable == survey.end()
                                     ? QString()
                                     : to_qstring(first_usable->name) + QStringLiteral(": ") +
                                           QString::fromStdString(first_usable->detail),
                       .best = false});
    if (const auto* cuda = find_status(survey, "cuda")) choices.push_back(whole_backend(*cuda));
    const auto* vulkan = find_status(survey, "vulkan");
    if (!vulkan_devices || vulkan_devices->empty()) {
        choices.push_back({.value = QStringLiteral("vulkan"),
                           .kind = QStringLiteral("vulkan"),
                           .device = {},
                           .usable = false,
                           .detail = vulkan_devices
                                         ? QStringLiteral("no Vulkan device")
                                         : QString::fromStdString(vulkan_devices.error().message),
                           .best = false});
    } else {
        bool best_found = false;
        for (const auto& device : *vulkan_devices) {
            // The survey names the GPU automatic selection takes; the first of that name is it.
            const bool best =
                !best_found && vulkan && vulkan->usable && vulkan->detail == device.name;
            best_found = best_found || best;
            choices.push_back({.value = vulkan_prefix + QString::number(device.index),
                               .kind = QStringLiteral("vulkan"),
                               .device = QString::fromStdString(device.name),
                               .usable = true,
                               .detail = to_qstring(hearth::to_string(device.kind)),
                               .best = best});
        }
    }
    if (const auto* cpu = find_status(survey, "cpu")) choices.push_back(whole_backend(*cpu));
    return choices;
}

bool is_backend_choice(const QString& value) {
    static const QRegularExpression pattern(QStringLiteral("^(auto|cuda|cpu|vulkan(:\\d{1,3})?)$"));
    return pattern.match(value).hasMatch();
}

hearth::Result<void> apply_backend_choice(const QString& value, hearth::ModelOptions& options) {
    if (!is_backend_choice(value)) {
        return hearth::fail("Unknown backend '" + value.toStdString() +
                            "' (use auto, cuda, vulkan, vulkan:N or cpu)");
    }
    options.vulkan_device = std::nullopt;
    if (value.startsWith(vulkan_prefix)) {
        options.backend = hearth::BackendChoice::vulkan;
        options.vulkan_device = value.mid(vulkan_prefix.size()).toUInt();
        return {};
    }
    auto choice = hearth::parse_backend_choice(value.toStdString());
    if (!choice) return std::unexpected(choice.error());
    options.backend = *choice;
    return {};
}
