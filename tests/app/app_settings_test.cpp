#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "AppSettings.h"
#include "history_location.h"

namespace {

// Every test gets its own settings folder, so nothing touches the user's real preferences.
class AppSettingsTest : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.path());
    }
    QTemporaryDir dir_;
};

TEST_F(AppSettingsTest, ReasoningEffortDefaultsToMedium) {
    EXPECT_EQ(AppSettings().reasoningEffort(), "medium");
}

TEST_F(AppSettingsTest, ReasoningEffortPersistsAcrossInstances) {
    AppSettings settings;
    QSignalSpy changed(&settings, &AppSettings::reasoningEffortChanged);
    settings.setReasoningEffort("high");
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(AppSettings().reasoningEffort(), "high");
}

TEST_F(AppSettingsTest, UnknownEffortNamesAreIgnored) {
    AppSettings settings;
    settings.setReasoningEffort("low");
    QSignalSpy changed(&settings, &AppSettings::reasoningEffortChanged);
    settings.setReasoningEffort("extreme");
    settings.setReasoningEffort("LOW");
    EXPECT_EQ(changed.count(), 0);
    EXPECT_EQ(settings.reasoningEffort(), "low");
}

TEST_F(AppSettingsTest, ACorruptStoredValueReadsAsTheDefault) {
    QSettings().setValue("chat/reasoningEffort", "ultra");
    EXPECT_EQ(AppSettings().reasoningEffort(), "medium");
}

// hearth-cli records into the desktop app's database by default: both must name the same file.
TEST(HistoryLocation, TheCliDefaultIsTheDatabaseTheAppOpens) {
    QTemporaryDir data;
    ASSERT_TRUE(data.isValid());
    qputenv("XDG_DATA_HOME", data.path().toUtf8());
    const QString organization = QCoreApplication::organizationName();
    const QString application = QCoreApplication::applicationName();
    QCoreApplication::setOrganizationName("Hearth"); // as app/gui/main.cpp sets them
    QCoreApplication::setApplicationName("Hearth");
    const QString app_database =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/conversations.db";
    QCoreApplication::setOrganizationName(organization);
    QCoreApplication::setApplicationName(application);
    EXPECT_EQ(app_database.toStdString(), hearth::store::default_history_path().string());
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName("HearthTests");
    QCoreApplication::setApplicationName("AppSettingsTest");
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
