import QtQuick
import QtTest
import Hearth.Chat
import Hearth.Settings

// Loading onto the GPU (lavapipe in CI): the progress the engine reports reaches the controller,
// and the status names the backend and device actually used.
TestCase {
    name: "ModelLoading"

    function cleanupTestCase() { AppSettings.backend = "auto" }

    function test_a_gpu_load_reports_its_progress_and_device() {
        verify(testModelPath.length > 0, "HEARTH_TEST_MODEL is not set")
        AppSettings.backend = "vulkan"
        const seen = []
        const record = () => seen.push(ChatController.loadProgress)
        ChatController.loadProgressChanged.connect(record)
        ChatController.loadModel(testModelPath)
        compare(ChatController.modelReady, false, "ready while loading")
        tryCompare(ChatController, "modelState", "ready", 60000)
        compare(ChatController.modelReady, true)
        ChatController.loadProgressChanged.disconnect(record)
        compare(ChatController.backendName, "vulkan")
        compare(ChatController.loadProgress, 1.0)
        verify(seen.length >= 3, "progress was reported " + seen.length + " times")
        verify(ChatController.deviceName.indexOf("Vulkan on ") === 0, ChatController.deviceName)
    }

    function test_cancel_does_nothing_without_a_load() {
        ChatController.cancelLoad()
        compare(ChatController.modelState, "ready")
    }
}
