#include "ModelDetailsReader.h"

#include <QFileInfo>

#include "ModelDiscovery.h"
#include "hearth/fit_check.h"
#include "hearth/model_inspection.h"

namespace {

QStringList toStringList(const std::vector<std::string>& values) {
    QStringList list;
    for (const auto& value : values)
        list.append(QString::fromStdString(value));
    return list;
}

quint32 hyperparameter(const hearth::ModelInspection& inspection, std::string_view key) {
    const double value = inspection.hyperparameter(key).value_or(0);
    return value > 0 ? static_cast<quint32>(value) : 0;
}

} // namespace

ModelDetailsInfo readModelDetails(const QString& path) {
    const QFileInfo file(path);
    ModelDetailsInfo info;
    info.path = file.absoluteFilePath();
    info.name = modelDisplayName(file);
    info.bytes = sizeOnDisk(file);
    auto inspection = hearth::inspect_model(info.path.toStdString());
    if (!inspection) {
        info.error = QString::fromStdString(inspection.error().message);
        return info;
    }
    const auto& m = *inspection;
    if (m.format != "safetensors") info.title = QString::fromStdString(m.name);
    info.format = QString::fromStdString(m.format);
    info.architecture = QString::fromStdString(m.architecture);
    info.parameters = m.parameter_count;
    info.expertTypes = toStringList(m.expert_types);
    info.otherTypes = toStringList(m.other_types);
    info.contextLength = hyperparameter(m, "context_length");
    info.slidingWindow = hyperparameter(m, "sliding_window");
    if (m.hyperparameter("yarn_factor").value_or(1) > 1)
        info.yarnOriginalContext = hyperparameter(m, "yarn_original_context");
    info.license = QString::fromStdString(m.license);
    return info;
}

QVariantMap toVariant(const ModelDetailsInfo& info) {
    return {
        {QStringLiteral("path"), info.path},
        {QStringLiteral("name"), info.name},
        {QStringLiteral("sizeText"),
         QString::fromStdString(hearth::format_memory(static_cast<std::uint64_t>(info.bytes)))},
        {QStringLiteral("error"), info.error},
        {QStringLiteral("title"), info.title},
        {QStringLiteral("format"), info.format},
        {QStringLiteral("architecture"), info.architecture},
        {QStringLiteral("parameters"), static_cast<double>(info.parameters)},
        {QStringLiteral("expertTypes"), info.expertTypes},
        {QStringLiteral("otherTypes"), info.otherTypes},
        {QStringLiteral("contextLength"), info.contextLength},
        {QStringLiteral("slidingWindow"), info.slidingWindow},
        {QStringLiteral("yarnOriginalContext"), info.yarnOriginalContext},
        {QStringLiteral("license"), info.license},
    };
}
