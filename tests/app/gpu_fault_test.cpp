// What the inference worker does when the model's GPU stops mid-answer, on the CUDA emulator
// (the only GPU that faults on demand), whose fault is of the kind that breaks a CUDA context for
// good: the answer stops where it was (interrupted), the model is let go with its GPU memory and
// said to be lost, and loading it again answers. The chat page's side:
// tests/ui/emulated/gpu_fault.qml.
#include <gtest/gtest.h>

#include <QSignalSpy>

#include <atomic>

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
    ASSERT_EQ(lost.count(), 1);
    EXPECT_EQ(first_argument(lost, 0), QStringLiteral("The GPU stopped responding (CUDA fault)"));
    EXPECT_EQ(failed.count(), 0) << "the answer was cut off, not wrong: it ends interrupted";
    EXPECT_EQ(memory.last().first().toMap().value(QStringLiteral("gpuBytes")).toDouble(), 0.0)
        << "the model still holds GPU memory";
    worker.generate(question());
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(first_argument(failed, 0), QStringLiteral("No model is loaded."));

    faults.repair(); // the GPU back, as after a driver reset
    worker.load(tiny_model, QStringLiteral("cuda"), QStringLiteral("f16"), 256);
    ASSERT_EQ(loaded.count(), 2);
    worker.generate(question());
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(failed.count(), 1);
    EXPECT_EQ(lost.count(), 1);
}

} // namespace
