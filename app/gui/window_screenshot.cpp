#include "window_screenshot.h"

#include <QCoreApplication>
#include <QImage>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

namespace {
// Fonts, layouts and the first animations settle within a few frames; capture after them.
constexpr int frames_before_capture = 3;
} // namespace

WindowScreenshot::WindowScreenshot(QQuickWindow* window, QString path)
    : QObject(window), window_(window), path_(std::move(path)) {
    connect(window_, &QQuickWindow::frameSwapped, this, [this] {
        if (++frames_ == frames_before_capture) {
            QTimer::singleShot(0, this, &WindowScreenshot::capture);
        } else if (frames_ < frames_before_capture) {
            window_->update();
        }
    });
    window_->update();
}

void WindowScreenshot::capture() {
    const QImage image = window_->grabWindow();
    if (image.isNull() || !image.save(path_)) {
        std::fprintf(stderr, "hearth: could not save a screenshot to %s\n", qPrintable(path_));
        QCoreApplication::exit(1);
        return;
    }
    std::printf("hearth: saved a %dx%d screenshot to %s\n", image.width(), image.height(),
                qPrintable(path_));
    QCoreApplication::exit(0);
}
