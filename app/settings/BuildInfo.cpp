#include "BuildInfo.h"

#include "hearth/build_info.h"

namespace {

QString to_qstring(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

BuildInfo::BuildInfo(QObject* parent) : QObject(parent) {}

QString BuildInfo::version() const { return to_qstring(hearth::version()); }

QString BuildInfo::buildType() const { return to_qstring(hearth::build_type()); }

QStringList BuildInfo::backends() const {
    QStringList names;
    for (std::string_view backend : hearth::compiled_backends())
        names << to_qstring(backend);
    return names;
}
