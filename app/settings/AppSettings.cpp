#include "AppSettings.h"

#include <QSettings>

namespace {

const QString effort_key = QStringLiteral("chat/reasoningEffort");
const QString default_effort = QStringLiteral("medium");
const QString model_key = QStringLiteral("model/path");

bool is_effort(const QString& value) {
    return value == QLatin1String("low") || value == QLatin1String("medium") ||
           value == QLatin1String("high");
}

} // namespace

AppSettings::AppSettings(QObject* parent) : QObject(parent) {}

QString AppSettings::reasoningEffort() const {
    const QString stored = QSettings().value(effort_key, default_effort).toString();
    return is_effort(stored) ? stored : default_effort;
}

void AppSettings::setReasoningEffort(const QString& effort) {
    if (!is_effort(effort) || effort == reasoningEffort()) return;
    QSettings().setValue(effort_key, effort);
    emit reasoningEffortChanged();
}

QString AppSettings::modelPath() const { return QSettings().value(model_key).toString(); }

void AppSettings::setModelPath(const QString& path) {
    if (path == modelPath()) return;
    QSettings().setValue(model_key, path);
    emit modelPathChanged();
}
