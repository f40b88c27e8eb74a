// What this build is (version, build type, backends), for the About section of Settings.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

class BuildInfo : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString buildType READ buildType CONSTANT)
    Q_PROPERTY(QStringList backends READ backends CONSTANT)

  public:
    explicit BuildInfo(QObject* parent = nullptr);
    QString version() const;
    QString buildType() const;
    QStringList backends() const;
};
