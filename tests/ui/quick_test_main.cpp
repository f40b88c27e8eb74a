// Runs the tst_*.qml files of this folder against the Hearth QML modules.
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QQmlContext>
#include <QQmlEngine>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

#include <optional>

#include "AppSettings.h"
#include "cuda/emulator/emulated_faults.h"

Q_IMPORT_QML_PLUGIN(HearthPlugin)
Q_IMPORT_QML_PLUGIN(HearthSettingsPlugin)
Q_IMPORT_QML_PLUGIN(HearthChatPlugin)
Q_IMPORT_QML_PLUGIN(HearthMarkdownPlugin)
Q_IMPORT_QML_PLUGIN(HearthDesktopPlugin)
Q_IMPORT_QML_PLUGIN(HearthLibraryPlugin)

// Model files the tests may break or delete: copies in a private folder.
class TestFiles : public QObject {
    Q_OBJECT

  public:
    using QObject::QObject;

    // The first `bytes` of `from` (all of it for -1) as `name` in the private folder; its path.
    Q_INVOKABLE QString copy(const QString& from, const QString& name, qint64 bytes = -1) {
        QFile source(from);
        QFile target(dir_.filePath(name));
        if (!source.open(QIODevice::ReadOnly) || !target.open(QIODevice::WriteOnly)) return {};
        target.write(bytes < 0 ? source.readAll() : source.read(bytes));
        return target.fileName();
    }
    Q_INVOKABLE bool exists(const QString& path) const { return QFileInfo::exists(path); }

  private:
    QTemporaryDir dir_;
};

// The CUDA emulator's faults (emulated_faults.h) for emulated/gpu_fault.qml; the driver
// library is opened only when a test asks.
class TestFaults : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool available READ available CONSTANT)

  public:
    using QObject::QObject;

    bool available() { return static_cast<bool>(faults()); }
    Q_INVOKABLE void faultAfter(int kernels) {
        if (available()) faults().fault_after(static_cast<unsigned>(kernels));
    }
    Q_INVOKABLE void repair() {
        if (available()) faults().repair();
    }

  private:
    const hearth::test::EmulatedFaults& faults() {
        if (!faults_) faults_.emplace();
        return *faults_;
    }
    std::optional<hearth::test::EmulatedFaults> faults_;
};

class Setup : public QObject {
    Q_OBJECT

  public slots:
    // Keeps the tests' preferences and history out of the user's real ones.
    void applicationAvailable() {
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTests"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_dir_.path());
        // The conversation history goes to the same private folder.
        qputenv("XDG_DATA_HOME", settings_dir_.path().toUtf8());
    }

    // The tiny fixture model the chat tests load (ctest sets HEARTH_TEST_MODEL).
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->rootContext()->setContextProperty(QStringLiteral("testModelPath"),
                                                  qEnvironmentVariable("HEARTH_TEST_MODEL"));
        // Another AppSettings than the QML singleton: it reads what was stored, so the tests
        // see that a choice persists (a new instance, as at the next start, reads it back).
        engine->rootContext()->setContextProperty(QStringLiteral("storedSettings"),
                                                  new AppSettings(engine));
        engine->rootContext()->setContextProperty(QStringLiteral("testFiles"),
                                                  new TestFiles(engine));
        engine->rootContext()->setContextProperty(QStringLiteral("testFaults"),
                                                  new TestFaults(engine));
    }

  private:
    QTemporaryDir settings_dir_;
};

QUICK_TEST_MAIN_WITH_SETUP(hearth_ui, Setup)

#include "quick_test_main.moc"
