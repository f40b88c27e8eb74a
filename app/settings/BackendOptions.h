// The backend choices of Settings as a list model (backend_choices.h). The engine's survey loads
// GPU drivers, which can take a moment, so it runs on a thread of its own, once, when survey() is
// first called (when Settings opens, not at startup); until it is done the list holds only "auto".
#pragma once

#include <QAbstractListModel>
#include <QThread>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "backend_choices.h"

class BackendOptions : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    // True once the survey has filled the list.
    Q_PROPERTY(bool surveyed READ surveyed NOTIFY surveyedChanged)

  public:
    enum Role { ValueRole = Qt::UserRole + 1, KindRole, DeviceRole, UsableRole, DetailRole };

    explicit BackendOptions(QObject* parent = nullptr);
    ~BackendOptions() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool surveyed() const { return surveyed_; }
    // Starts the survey unless it ran or is running.
    Q_INVOKABLE void survey();
    // The row of stored choice `value` ("vulkan": the Vulkan device the engine would take);
    // -1 when none is.
    Q_INVOKABLE int indexOf(const QString& value) const;
    // The row's role by name ("value", "usable", "detail", ...), for QML outside a delegate.
    Q_INVOKABLE QVariant get(int row, const QString& role) const;

  signals:
    void surveyedChanged();

  private:
    void set_choices(std::vector<BackendChoiceOption> choices);

    std::vector<BackendChoiceOption> choices_;
    bool surveyed_ = false;
    QThread* survey_ = nullptr;
};
