// Saves a picture of a Qt Quick window once it has rendered, then quits the application.
// Used by `hearth --screenshot FILE` (the UI screenshot test, documentation, bug reports).
#pragma once

#include <QObject>
#include <QString>

class QQuickWindow;

class WindowScreenshot : public QObject {
    Q_OBJECT

  public:
    WindowScreenshot(QQuickWindow* window, QString path);

  private:
    void capture();
    QQuickWindow* window_;
    QString path_;
    int frames_ = 0;
};
