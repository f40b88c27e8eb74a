// What the chat does when the model's GPU stops mid-answer, on the CUDA emulator (the only GPU
// that faults on demand), whose fault is of the kind that breaks a CUDA context for good: the
// answer fails, the model is let go with its GPU memory and said to be lost, and loading it again
// answers.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <atomic>

#include "AppSettings.h"
#include "ChatController.h"
#include "InferenceWorker.h"
#include "cuda/emulator/emulated_faults.h"

namespace {

GenerationRequest question() {
    GenerationRequest request;
    request.conversation.messages.push_back(
        {.role = hearth::harmony::Role::user, .content = "Hello", .thinking = {}, .tool_call = {}});
    request.options.max_tokens = 4;
    return request;
}

const QString tiny_model = QStringLiteral(HEARTH_TINY_MODEL_DIR "/tiny-gpt-oss.gguf");

QString first_argument(const QSignalSpy& spy, qsizetype call) {
    return spy.at(call).first().toString();
}

TEST(InferenceWorkerFault, AGpuThatStopsMidAnswerLetsTheModelGoForAReload) {
    const hearth::test::EmulatedFaults faults;
    ASSERT_TRUE(faults) << "the driver library loaded is not the CUDA emulator's";
    std::atomic<bool> cancel{false};
    InferenceWorker worker(cancel);
    QSignalSpy loaded(&worker, &InferenceWorker::loaded);
    QSignalSpy load_failed(&worker, &InferenceWorker::loadFailed);
    QSignalSpy failed(&worker, &InferenceWorker::generationFailed);
    QSignalSpy finished(&worker, &InferenceWorker::generationFinished);
    QSignalSpy lost(&worker, &InferenceWorker::modelLost);
    QSignalSpy memory(&worker, &InferenceWorker::memoryMeasured);
    worker.load(tiny_model, QStringLiteral("cuda"), QStringLiteral("f16"), 256);
    ASSERT_EQ(loaded.count(), 1) << (load_failed.isEmpty()
                                         ? std::string()
                                         : first_argument(load_failed, 0).toStdString());
    EXPECT_EQ(loaded.first().first().toMap().value(QStringLiteral("backend")).toString(),
              QStringLiteral("cuda"));

    faults.fault_after(40); // in the prompt's layers
    worker.generate(question());
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(first_argument(failed, 0), QStringLiteral("The GPU stopped responding (CUDA fault)"));
    ASSERT_EQ(lost.count(), 1);
    EXPECT_EQ(first_argument(lost, 0), first_argument(failed, 0));
    EXPECT_EQ(memory.last().first().toMap().value(QStringLiteral("gpuBytes")).toDouble(), 0.0)
        << "the model still holds GPU memory";
    worker.generate(question());
    ASSERT_EQ(failed.count(), 2);
    EXPECT_EQ(first_argument(failed, 1), QStringLiteral("No model is loaded."));

    faults.repair(); // the GPU back, as after a driver reset
    worker.load(tiny_model, QStringLiteral("cuda"), QStringLiteral("f16"), 256);
    ASSERT_EQ(loaded.count(), 2);
    worker.generate(question());
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(failed.count(), 2);
    EXPECT_EQ(lost.count(), 1);
}

// The same through the chat's controller, as the app sees it: the failed answer keeps why, the
// model is "lost" (the page then offers Reload), nothing is sent until it is reloaded, and a
// reload answers again.
TEST(ChatControllerFault, AfterTheGpuStopsTheChatAnswersAgainOnceReloaded) {
    const hearth::test::EmulatedFaults faults;
    ASSERT_TRUE(faults) << "the driver library loaded is not the CUDA emulator's";
    // The tests' own preferences and history.
    const QTemporaryDir home;
    QCoreApplication::setOrganizationName(QStringLiteral("HearthTests"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path());
    qputenv("XDG_DATA_HOME", home.path().toUtf8());
    AppSettings settings;
    settings.setBackend(QStringLiteral("cuda"));
    settings.setMaxAnswerTokens(4); // the emulator is slow
    ChatController chat;
    const auto reaches = [&chat](const QString& state) {
        QSignalSpy changed(&chat, &ChatController::modelChanged);
        while (chat.modelState() != state) {
            if (!changed.wait(120000)) return false;
        }
        return true;
    };
    const auto answered = [&chat] {
        QSignalSpy busy(&chat, &ChatController::busyChanged);
        while (chat.busy()) {
            if (!busy.wait(120000)) return false;
        }
        return true;
    };

    chat.loadModel(tiny_model);
    ASSERT_TRUE(reaches(QStringLiteral("ready"))) << chat.modelError().toStdString();
    faults.fault_after(40);
    ASSERT_TRUE(chat.send(QStringLiteral("Hello"), QStringLiteral("low")));
    ASSERT_TRUE(reaches(QStringLiteral("lost")));
    EXPECT_EQ(chat.modelError(), QStringLiteral("The GPU stopped responding (CUDA fault)"));
    const auto& failed = chat.messages()->messages().back();
    EXPECT_EQ(failed.status, QStringLiteral("failed"));
    EXPECT_EQ(failed.error, chat.modelError());
    EXPECT_FALSE(chat.send(QStringLiteral("Again"), QStringLiteral("low")));

    faults.repair(); // the GPU back, as after a driver reset
    chat.reloadModel();
    ASSERT_TRUE(reaches(QStringLiteral("ready"))) << chat.modelError().toStdString();
    ASSERT_TRUE(chat.send(QStringLiteral("Again"), QStringLiteral("low")));
    ASSERT_TRUE(answered());
    EXPECT_NE(chat.messages()->messages().back().status, QStringLiteral("failed"));
}

} // namespace
