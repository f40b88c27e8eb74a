import QtQuick
import QtTest
import Hearth
import Hearth.Chat
import Hearth.Settings
import Hearth.Desktop

// The window's keyboard shortcuts: Ctrl+N, Ctrl+F, Ctrl+comma, Escape and Ctrl+Shift+C.
TestCase {
    id: testCase
    name: "Shortcuts"
    visible: true
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }

    function createWindow() {
        const window = createTemporaryObject(mainComponent, testCase)
        tryVerify(() => window.visible && window.width > 0)
        return window
    }

    function test_ctrl_f_focuses_the_search_field() {
        const window = createWindow()
        keyClick(Qt.Key_F, Qt.ControlModifier)
        verify(window.sidebar.searchField.activeFocus)
    }

    function test_ctrl_comma_opens_the_settings() {
        const window = createWindow()
        keyClick(Qt.Key_Comma, Qt.ControlModifier)
        tryCompare(window.settingsDialog, "opened", true)
    }

    function test_ctrl_n_starts_a_new_chat() {
        const window = createWindow()
        window.chatPage.composer.text = "draft"
        keyClick(Qt.Key_N, Qt.ControlModifier)
        compare(window.chatPage.composer.text, "")
        compare(ChatController.conversationId, 0)
    }

    function test_escape_stops_the_answer_and_ctrl_shift_c_copies_it() {
        const window = createWindow()
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 60000)
        AppSettings.maxAnswerTokens = 2000
        verify(ChatController.send("Tell me a long story", "low"))
        keyClick(Qt.Key_Escape)
        tryCompare(ChatController, "busy", false, 60000)
        compare(ChatController.messages.data(ChatController.messages.index(1, 0), Qt.UserRole + 4),
                "cancelled")

        Clipboard.copy("before")
        keyClick(Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
        const answer = ChatController.messages.lastAnswer()
        // The tiny model's words are random: it may have written no answer text before it stopped.
        compare(Clipboard.text(), answer.length > 0 ? answer : "before")
        ChatController.newConversation()
    }

    function test_ctrl_r_writes_the_last_answer_again() {
        createWindow()
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 60000)
        AppSettings.maxAnswerTokens = 2
        verify(ChatController.send("Once more", "low"))
        tryCompare(ChatController, "busy", false, 60000)
        tryVerify(() => ChatController.messages.data(ChatController.messages.index(1, 0),
                                                     Qt.UserRole + 9) > 0)
        keyClick(Qt.Key_R, Qt.ControlModifier)
        tryCompare(ChatController, "busy", false, 60000)
        compare(ChatController.messages.rowCount(), 2)
        tryVerify(() => ChatController.messages.data(ChatController.messages.index(1, 0),
                                                     Qt.UserRole + 11) === 2)
        ChatController.newConversation()
    }
}
