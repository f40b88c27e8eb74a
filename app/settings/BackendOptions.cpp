#include "BackendOptions.h"

#include <QMetaObject>

BackendOptions::BackendOptions(QObject* parent) : QAbstractListModel(parent) {
    choices_.push_back({.value = QStringLiteral("auto"),
                        .kind = QStringLiteral("auto"),
                        .device = {},
                        .usable = true,
                        .detail = {},
                        .best = false});
}

void BackendOptions::survey() {
    if (survey_) return;
    survey_ = QThread::create([this] {
        auto choices =
            backend_choices(hearth::survey_backends(), hearth::enumerate_vulkan_devices());
        QMetaObject::invokeMethod(
            this,
            [this, choices = std::move(choices)]() mutable { set_choices(std::move(choices)); },
            Qt::QueuedConnection);
    });
    survey_->start(QThread::LowPriority);
}

BackendOptions::~BackendOptions() {
    // The queued result dies with this object; the thread must not outlive it.
    if (!survey_) return;
    survey_->wait();
    delete survey_;
}

void BackendOptions::set_choices(std::vector<BackendChoiceOption> choices) {
    beginResetModel();
    choices_ = std::move(choices);
    endResetModel();
    surveyed_ = true;
    emit surveyedChanged();
}

int BackendOptions::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(choices_.size());
}

QVariant BackendOptions::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto& choice = choices_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case ValueRole: return choice.value;
    case KindRole: return choice.kind;
    case DeviceRole: return choice.device;
    case UsableRole: return choice.usable;
    case DetailRole: return choice.detail;
    default: return {};
    }
}

QHash<int, QByteArray> BackendOptions::roleNames() const {
    return {{ValueRole, "value"},
            {KindRole, "kind"},
            {DeviceRole, "device"},
            {UsableRole, "usable"},
            {DetailRole, "detail"}};
}

int BackendOptions::indexOf(const QString& value) const {
    const bool any_vulkan = value == QStringLiteral("vulkan");
    for (std::size_t row = 0; row < choices_.size(); ++row) {
        if (choices_[row].value == value || (any_vulkan && choices_[row].best))
            return static_cast<int>(row);
    }
    // Plain "vulkan" when the survey prefers no GPU (only CPU drivers): the first device listed.
    for (std::size_t row = 0; any_vulkan && row < choices_.size(); ++row) {
        if (choices_[row].kind == QStringLiteral("vulkan")) return static_cast<int>(row);
    }
    return -1;
}

QVariant BackendOptions::get(int row, const QString& role) const {
    return data(index(row), static_cast<int>(roleNames().key(role.toUtf8(), -1)));
}
