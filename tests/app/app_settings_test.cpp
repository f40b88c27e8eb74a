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

TEST_F(AppSettingsTest, EveryPreferenceHasItsDefaultBeforeTheFirstChoice) {
    const AppSettings settings;
    EXPECT_EQ(settings.instructions(), "");
    EXPECT_EQ(settings.temperature(), 1.0);
    EXPECT_EQ(settings.topP(), 1.0);
    EXPECT_EQ(settings.topK(), 0);
    EXPECT_EQ(settings.maxAnswerTokens(), 4096);
    EXPECT_EQ(settings.contextLength(), AppSettings::automatic_context_length);
    EXPECT_EQ(settings.backend(), "auto");
    EXPECT_EQ(settings.kvCache(), "f16");
    EXPECT_EQ(settings.theme(), "system");
    EXPECT_EQ(settings.fontSize(), 14);
    EXPECT_EQ(settings.language(), "system");
}

TEST_F(AppSettingsTest, AChosenContextLengthStaysUntilAutomaticIsChosenAgain) {
    AppSettings settings;
    QSignalSpy changed(&settings, &AppSettings::contextLengthChanged);
    settings.setContextLength(8192); // the old default, now a choice of its own
    EXPECT_EQ(AppSettings().contextLength(), 8192);
    settings.setContextLength(AppSettings::automatic_context_length);
    EXPECT_EQ(AppSettings().contextLength(), 0);
    EXPECT_FALSE(QSettings().contains("model/contextLength"));
    settings.setContextLength(0);
    EXPECT_EQ(changed.count(), 2);
}

TEST_F(AppSettingsTest, ChoicesPersistAcrossInstances) {
    {
        AppSettings settings;
        settings.setInstructions("Answer in Korean.");
        settings.setTemperature(0.5);
        settings.setTopP(0.9);
        settings.setTopK(40);
        settings.setMaxAnswerTokens(1000);
        settings.setContextLength(32768);
        settings.setBackend("vulkan:1");
        settings.setKvCache("q8");
        settings.setTheme("dark");
        settings.setFontSize(18);
        settings.setLanguage("ko");
    }
    const AppSettings later;
    EXPECT_EQ(later.instructions(), "Answer in Korean.");
    EXPECT_EQ(later.temperature(), 0.5);
    EXPECT_EQ(later.topP(), 0.9);
    EXPECT_EQ(later.topK(), 40);
    EXPECT_EQ(later.maxAnswerTokens(), 1000);
    EXPECT_EQ(later.contextLength(), 32768);
    EXPECT_EQ(later.backend(), "vulkan:1");
    EXPECT_EQ(later.kvCache(), "q8");
    EXPECT_EQ(later.theme(), "dark");
    EXPECT_EQ(later.fontSize(), 18);
    EXPECT_EQ(later.language(), "ko");
}

TEST_F(AppSettingsTest, ValuesOutOfRangeAreIgnored) {
    AppSettings settings;
    QSignalSpy sampling(&settings, &AppSettings::samplingChanged);
    settings.setTemperature(2.5);
    settings.setTopP(0.0);
    settings.setTopK(-1);
    EXPECT_EQ(sampling.count(), 0);
    settings.setContextLength(100);
    settings.setFontSize(80);
    settings.setBackend("cuda-please");
    settings.setBackend("vulkan:gpu");
    settings.setKvCache("q4");
    settings.setTheme("sepia");
    settings.setLanguage("fr");
    EXPECT_EQ(settings.contextLength(), AppSettings::automatic_context_length);
    EXPECT_EQ(settings.fontSize(), 14);
    EXPECT_EQ(settings.backend(), "auto");
    EXPECT_EQ(settings.kvCache(), "f16");
    EXPECT_EQ(settings.theme(), "system");
    EXPECT_EQ(settings.language(), "system");
}

TEST_F(AppSettingsTest, AStoredNumberOutOfRangeReadsAsTheDefault) {
    QSettings().setValue("sampling/temperature", "hot");
    QSettings().setValue("model/contextLength", 10);
    EXPECT_EQ(AppSettings().temperature(), 1.0);
    EXPECT_EQ(AppSettings().contextLength(), AppSettings::automatic_context_length);
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
