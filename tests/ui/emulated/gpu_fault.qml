import QtQuick
import QtTest
import Hearth
import Hearth.Chat
import Hearth.Settings

// When the GPU stops mid-answer (the CUDA emulator's fault: the only GPU that faults on demand),
// the answer ends interrupted with why, the chat page's top line says it with a Reload button,
// nothing is sent meanwhile, and Reload loads the model again, which goes on with the answer and
// answers what was typed meanwhile.
TestCase {
    id: testCase
    name: "GpuFault"
    when: windowShown

    readonly property int statusRole: Qt.UserRole + 4
    readonly property int errorRole: Qt.UserRole + 8

    Component {
        id: mainComponent
        Main {}
    }

    function cleanupTestCase() { AppSettings.backend = "auto" }

    function named(root, name) {
        const found = findChild(root, name)
        verify(found !== null, "no item named " + name)
        return found
    }

    function rows() { return ChatController.messages.rowCount() }
    function last(role) {
        const messages = ChatController.messages
        return messages.data(messages.index(rows() - 1, 0), role)
    }
    function lastStatus() { return last(statusRole) }

    function test_the_page_offers_a_reload_that_answers_again() {
        verify(testFaults.available, "the driver library loaded is not the CUDA emulator's")
        const window = createTemporaryObject(mainComponent, testCase)
        tryVerify(() => window.visible && window.width > 0)
        const reload = named(window.contentItem, "loadAgainButton")
        const status = named(window.contentItem, "modelStatus")
        AppSettings.backend = "cuda"
        AppSettings.maxAnswerTokens = 4 // the emulator is slow
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 120000)
        compare(ChatController.backendName, "cuda")
        verify(!reload.visible)

        testFaults.faultAfter(40)
        verify(ChatController.send("Hello", "low"))
        tryCompare(ChatController, "modelState", "lost", 120000)
        compare(lastStatus(), "interrupted")
        verify(!ChatController.continueAnswer(), "not before the model is back")
        // So it was saved: reopened, the answer still says why and can go on.
        const saved = ChatController.conversationId
        verify(saved > 0)
        ChatController.newConversation()
        ChatController.openConversation(saved)
        tryCompare(ChatController, "conversationId", saved)
        tryVerify(() => rows() === 2)
        compare(lastStatus(), "interrupted")
        compare(last(errorRole), "The GPU stopped responding (CUDA fault)")
        verify(reload.visible)
        compare(status.text, "The GPU stopped responding (CUDA fault). Reload the model to go on.")
        // A message typed meanwhile is refused, kept, and explained until the model is back.
        const page = window.chatPage
        page.composer.text = "Again"
        page.composer.submit()
        compare(page.composer.text, "Again")
        verify(page.noModelNotice.visible)
        compare(rows(), 2)

        testFaults.repair() // the GPU back, as after a driver reset
        mouseClick(reload)
        tryCompare(ChatController, "modelState", "ready", 120000)
        verify(!reload.visible)
        verify(!page.noModelNotice.visible)
        verify(ChatController.continueAnswer())
        tryCompare(ChatController, "busy", false, 120000)
        compare(rows(), 2, "the same answer went on")
        compare(lastStatus(), "length") // 4 tokens cannot finish an answer
        page.composer.submit()
        compare(page.composer.text, "")
        tryCompare(ChatController, "busy", false, 120000)
        compare(rows(), 4)
        compare(lastStatus(), "length")
    }
}
