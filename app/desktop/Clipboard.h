// The system clipboard for QML, which has no clipboard of its own: the copy buttons on messages
// and code blocks.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class Clipboard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

  public:
    using QObject::QObject;

    // Puts `text` on the clipboard as plain text.
    Q_INVOKABLE void copy(const QString& text);
    // The clipboard's plain text now.
    Q_INVOKABLE QString text() const;
};
