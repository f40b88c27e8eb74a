#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "AppSettings.h"

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

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName("HearthTests");
    QCoreApplication::setApplicationName("AppSettingsTest");
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
