import QtQuick
import QtTest
import Hearth
import Hearth.Chat
import Hearth.Settings

// The chat flow on the tiny fixture model: load, send, stream, stop, start over. The model's
// weights are random, so only the flow is checked, not the words.
TestCase {
    id: testCase
    name: "Chat"

    readonly property int statusRole: Qt.UserRole + 4
    readonly property int authorRole: Qt.UserRole + 1
    readonly property int answerRole: Qt.UserRole + 2
    readonly property int siblingIndexRole: Qt.UserRole + 10
    readonly property int siblingCountRole: Qt.UserRole + 11

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
        AppSettings.maxAnswerTokens = 4
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
        AppSettings.maxAnswerTokens = 50
        verify(ChatController.send("First", "medium"))
        verify(!ChatController.send("Second", "medium"))
        compare(rows(), 2)
    }

    function test_stop_ends_the_answer_as_cancelled() {
        AppSettings.maxAnswerTokens = 500
        verify(ChatController.send("Write a long story", "high"))
        ChatController.stop()
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, statusRole), "cancelled")
    }

    function test_answers_are_saved_and_reopened_from_the_history() {
        AppSettings.maxAnswerTokens = 3
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
        AppSettings.maxAnswerTokens = 2
        page.composer.text = "Quick one"
        page.composer.submit()
        compare(page.composer.text, "", "sent, so the composer is cleared")
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, Qt.UserRole + 5), "low")
    }

    function test_new_conversation_empties_the_list() {
        AppSettings.maxAnswerTokens = 2
        verify(ChatController.send("Hi", "low"))
        tryCompare(ChatController, "busy", false, 60000)
        ChatController.newConversation()
        compare(rows(), 0)
    }

    function answerOnce(question) {
        AppSettings.maxAnswerTokens = 3
        verify(ChatController.send(question, "low"))
        tryCompare(ChatController, "busy", false, 60000)
        tryVerify(() => ChatController.conversationId > 0)
    }

    function test_regenerating_keeps_the_old_answer_as_another_version() {
        answerOnce("Tell me a joke")
        tryVerify(() => field(1, Qt.UserRole + 9) > 0, 5000, "the answer has its id")
        verify(ChatController.regenerate("low"))
        compare(rows(), 2)
        tryCompare(ChatController, "busy", false, 60000)
        tryVerify(() => field(1, siblingCountRole) === 2)
        compare(field(1, siblingIndexRole), 1)
        ChatController.switchVersion(1, -1)
        tryVerify(() => field(1, siblingIndexRole) === 0)
        compare(rows(), 2)
        compare(field(0, answerRole), "Tell me a joke")
    }

    function test_editing_a_question_makes_a_branch_and_keeps_the_old_one() {
        answerOnce("First wording")
        tryVerify(() => field(0, Qt.UserRole + 9) > 0, 5000, "the question has its id")
        verify(ChatController.editMessage(0, "Second wording", "low"))
        compare(rows(), 2)
        compare(field(0, answerRole), "Second wording")
        tryCompare(ChatController, "busy", false, 60000)
        tryVerify(() => field(0, siblingCountRole) === 2)
        ChatController.switchVersion(0, -1)
        tryVerify(() => field(0, answerRole) === "First wording")
        compare(field(0, siblingIndexRole), 0)
        compare(rows(), 2)
        ChatController.switchVersion(0, 1)
        tryVerify(() => field(0, answerRole) === "Second wording")
    }

    function test_a_cut_off_answer_continues_in_the_same_message() {
        answerOnce("Explain everything")
        compare(field(1, statusRole), "length")
        tryVerify(() => field(1, Qt.UserRole + 9) > 0, 5000, "the answer has its id")
        const id = field(1, Qt.UserRole + 9)
        const answer = field(1, answerRole)
        const reasoning = field(1, Qt.UserRole + 3)
        verify(ChatController.continueAnswer())
        compare(field(1, statusRole), "streaming")
        tryCompare(ChatController, "busy", false, 60000)
        compare(rows(), 2)
        compare(ChatController.lastStats.generatedTokens, 3)
        compare(field(1, siblingCountRole), 1, "no new version: the same answer grew")
        compare(field(1, Qt.UserRole + 9), id)
        verify(field(1, answerRole).startsWith(answer), "the new text follows the old")
        verify(field(1, Qt.UserRole + 3).startsWith(reasoning))
        verify(field(1, answerRole).length + field(1, Qt.UserRole + 3).length
               >= answer.length + reasoning.length)
        verify(!ChatController.regenerate("extreme"))

        // The history holds the one message with all its text.
        const grown = field(1, answerRole)
        const grownReasoning = field(1, Qt.UserRole + 3)
        const saved = ChatController.conversationId
        ChatController.newConversation()
        ChatController.openConversation(saved)
        tryCompare(ChatController, "conversationId", saved)
        compare(rows(), 2)
        compare(field(1, Qt.UserRole + 9), id)
        compare(field(1, answerRole), grown)
        compare(field(1, Qt.UserRole + 3), grownReasoning)
        // Cut off at the limit again, and saved so: Continue is still offered after reopening.
        compare(field(1, statusRole), "length")
        verify(ChatController.continueAnswer())
        tryCompare(ChatController, "busy", false, 60000)
        compare(rows(), 2)
        compare(field(1, Qt.UserRole + 9), id)
        verify(field(1, answerRole).startsWith(grown))
    }

    function test_a_stopped_answer_can_be_continued() {
        verify(!ChatController.continueAnswer(), "nothing to continue")
        AppSettings.maxAnswerTokens = 50
        verify(ChatController.send("Stop me", "low"))
        verify(!ChatController.continueAnswer(), "not while it is being written")
        ChatController.stop()
        tryCompare(ChatController, "busy", false, 60000)
        compare(field(1, statusRole), "cancelled")
        AppSettings.maxAnswerTokens = 2
        verify(ChatController.continueAnswer())
        tryCompare(ChatController, "busy", false, 60000)
        compare(rows(), 2)
        compare(field(1, statusRole), "length")
    }

    SignalSpy {
        id: memorySpy
        target: ChatController
        signalName: "memoryUseChanged"
    }

    function test_the_status_line_shows_backend_context_and_speed() {
        const window = createTemporaryObject(mainComponent, testCase)
        const line = window.chatPage.statusLine
        verify(line.text.indexOf("CPU, ") === 0, line.text)
        // The app's resident memory, measured after the load; the CPU holds no GPU memory.
        tryVerify(() => ChatController.memoryUse.ramBytes > 0)
        compare(ChatController.memoryUse.gpuBytes, 0)
        verify(/ {2}RAM \d+(\.\d)? (MiB|GiB) {2}/.test(line.text), line.text)
        verify(line.text.indexOf("VRAM") < 0, line.text)
        memorySpy.clear()
        answerOnce("How fast?")
        compare(memorySpy.count, 1, "measured again after the answer")
        verify(line.text.indexOf("tokens/s") > 0, line.text)
        verify(line.text.indexOf("first token after") > 0, line.text)
        verify(/context \d+ \/ 4096 tokens/.test(line.text), line.text)
    }
}
