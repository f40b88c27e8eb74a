// The Hearth desktop app: starts Qt, loads the QML shell from the Hearth module.
#include <QCommandLineParser>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>
#include <cstring>

#include "AppSettings.h"
#include "hearth/build_info.h"
#include "window_screenshot.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)
Q_IMPORT_QML_PLUGIN(HearthSettingsPlugin)
Q_IMPORT_QML_PLUGIN(HearthChatPlugin)
Q_IMPORT_QML_PLUGIN(HearthMarkdownPlugin)
Q_IMPORT_QML_PLUGIN(HearthDesktopPlugin)
Q_IMPORT_QML_PLUGIN(HearthLibraryPlugin)

namespace {

constexpr const char* usage =
    "Usage: hearth [--model PATH] [--screenshot FILE]\n"
    "  --model PATH       open this .gguf file or Hugging Face folder (also at the next start)\n"
    "  --screenshot FILE  save a PNG of the window once shown, then quit\n"
    "  --version          print version, build type and backends\n";

} // namespace

int main(int argc, char* argv[]) {
    // Answered before Qt starts: these must work without a display.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::puts(hearth::version_line("hearth").c_str());
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(usage, stdout);
            return 0;
        }
    }

    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("Hearth"));
    QGuiApplication::setApplicationName(QStringLiteral("Hearth"));
    // The installed desktop entry (hearth.desktop): Wayland compositors take the window's icon
    // and name from it.
    QGuiApplication::setDesktopFileName(QStringLiteral("hearth"));
    QGuiApplication::setApplicationVersion(
        QString::fromUtf8(hearth::version().data(), qsizetype(hearth::version().size())));

    QCommandLineParser parser;
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save a PNG of the window, then quit."),
                                  QStringLiteral("file"));
    QCommandLineOption model(QStringLiteral("model"),
                             QStringLiteral("Open this .gguf file or Hugging Face folder."),
                             QStringLiteral("path"));
    parser.addOption(screenshot);
    parser.addOption(model);
    parser.process(app);
    // The model given here becomes the one opened last, which the window opens at start.
    if (parser.isSet(model)) {
        AppSettings().setModelPath(QFileInfo(parser.value(model)).absoluteFilePath());
    }

    // The language chosen in Settings ("system": the desktop's), from the embedded translations;
    // English needs none.
    QTranslator translator;
    const QString language = AppSettings().language();
    const QLocale locale =
        language == QLatin1String("system") ? QLocale::system() : QLocale(language);
    if (translator.load(locale, QStringLiteral("hearth"), QStringLiteral("_"),
                        QStringLiteral(":/i18n"))) {
        QGuiApplication::installTranslator(&translator);
    }

    QQmlApplicationEngine engine;
    engine.setInitialProperties({{QStringLiteral("firstRunAllowed"), true}});
    engine.load(QUrl(QStringLiteral("qrc:/qt-project.org/imports/Hearth/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fputs("hearth: the user interface failed to load\n", stderr);
        return 1;
    }
    if (parser.isSet(screenshot)) {
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        if (!window) return 1;
        new WindowScreenshot(window, parser.value(screenshot));
    }
    return app.exec();
}
