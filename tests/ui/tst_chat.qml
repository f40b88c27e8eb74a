import QtQuick
import QtTest
import Hearth
import Hearth.Chat

// The chat flow on the tiny fixture model: load, send, stream, stop, start over. The model's
// weights are random, so only the flow is checked, not the words.
TestCase {
    id: testCase
    name: "Chat"

    readonly property int statusRole: Qt.UserRole + 4
    readonly property int authorRole: Qt.UserRole + 1

    function rows() { return ChatController.messages.rowCount() }
    function field(row, role) {
        return ChatController.messages.data(ChatController.messages.index(row, 0), role)
    }

    function initTestCase() {
        verify(testModelPath.length > 0, "HEARTH_TEST_MODEL is not set")
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 60000)
        compare(ChatController.backendName, "cpu")
    }

    function init() {
        tryCompare(ChatController, "busy", false, 60000)
        ChatController.newConversation()
    }

    function test_an_answer_streams_in_after_the_question() {
        ChatController.maxTokens = 4
        verify(ChatController.send("Hello there", "low"))
        verify(ChatController.busy)
        compare(rows(), 2)
        compare(field(0, authorRole), "user")
        compare(field(1, authorRole), "assistant")
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, statusRole), "length") // 4 tokens cannot finish an answer
    }

    function test_nothing_is_sent_while_busy_or_blank() {
        verify(!ChatController.send("   ", "medium"))
        verify(!ChatController.send("Hi", "extreme"))
        compare(rows(), 0)
        ChatController.maxTokens = 50
        verify(ChatController.send("First", "medium"))
        verify(!ChatController.send("Second", "medium"))
        compare(rows(), 2)
    }

    function test_stop_ends_the_answer_as_cancelled() {
        ChatController.maxTokens = 500
        verify(ChatController.send("Write a long story", "high"))
        ChatController.stop()
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, statusRole), "cancelled")
    }

    function test_answers_are_saved_and_reopened_from_the_history() {
        ChatController.maxTokens = 3
        verify(ChatController.send("Remember this question", "high"))
        tryCompare(ChatController, "busy", false, 60000)
        verify(ChatController.conversationId > 0)
        const saved = ChatController.conversationId
        const conversations = ChatController.history.conversations
        tryVerify(() => conversations.get(conversations.rowOf(saved)).title === "Remember this question")
        ChatController.newConversation()
        compare(rows(), 0)
        compare(ChatController.conversationId, 0)
        ChatController.openConversation(saved)
        tryCompare(ChatController, "conversationId", saved)
        compare(rows(), 2)
        compare(field(0, Qt.UserRole + 2), "Remember this question")
        compare(field(1, Qt.UserRole + 5), "high")
        compare(ChatController.conversationEffort, "high")
        ChatController.newConversation()
        compare(ChatController.conversationEffort, "")
    }

    Component {
        id: mainComponent
        Main {}
    }

    function test_the_composer_sends_with_this_chats_effort() {
        const window = createTemporaryObject(mainComponent, testCase)
        const page = window.chatPage
        page.effortSelector.currentIndex = 0 // low
        ChatController.maxTokens = 2
        page.composer.text = "Quick one"
        page.composer.submit()
        compare(page.composer.text, "", "sent, so the composer is cleared")
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, Qt.UserRole + 5), "low")
    }

    function test_new_conversation_empties_the_list() {
        ChatController.maxTokens = 2
        verify(ChatController.send("Hi", "low"))
        tryCompare(ChatController, "busy", false, 60000)
        ChatController.newConversation()
        compare(rows(), 0)
    }
}
