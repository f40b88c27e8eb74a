import QtQuick
import QtTest
import Hearth
import Hearth.Chat
import Hearth.Settings

// The sidebar's actions on saved conversations: rename in place, pin, delete with Undo, search.
// The conversations are made by chatting with the tiny fixture model.
TestCase {
    id: testCase
    name: "Sidebar"
    width: 320
    height: 700
    visible: true
    when: windowShown

    property var ids: ({})

    Component {
        id: sidebarComponent
        Sidebar {
            anchors.fill: parent
        }
    }

    function ask(question) {
        ChatController.newConversation()
        verify(ChatController.send(question, "low"))
        tryCompare(ChatController, "busy", false, 60000)
        verify(ChatController.conversationId > 0)
        return ChatController.conversationId
    }

    function initTestCase() {
        ChatController.loadModel(testModelPath)
        tryCompare(ChatController, "modelState", "ready", 60000)
        AppSettings.maxAnswerTokens = 1
        ids = { alpha: ask("Sidebar alpha question"), beta: ask("Sidebar beta question"),
                gamma: ask("Sidebar gamma question") }
        ChatController.newConversation()
        const list = ChatController.history.conversations
        tryVerify(() => list.rowOf(ids.alpha) >= 0 && list.rowOf(ids.gamma) >= 0)
    }

    function createSidebar() {
        const sidebar = createTemporaryObject(sidebarComponent, testCase)
        verify(sidebar !== null)
        return sidebar
    }

    function rowFor(sidebar, id) {
        const list = sidebar.conversationList
        let row = null
        tryVerify(() => {
            const index = ChatController.history.conversations.rowOf(id)
            list.positionViewAtIndex(index, ListView.Contain)
            row = index >= 0 ? list.itemAtIndex(index) : null
            return row !== null
        })
        return row
    }

    function openMenuAndChoose(row, entry) {
        mouseClick(findChild(row, "conversationMenuButton"))
        tryCompare(row.menu, "opened", true)
        const item = row.menu.itemAt(entry)
        mouseClick(item)
    }

    function entryFor(id) {
        const list = ChatController.history.conversations
        return list.get(list.rowOf(id))
    }

    function test_new_conversations_are_listed_under_today() {
        compare(entryFor(ids.beta).section, "Today")
        compare(entryFor(ids.beta).title, "Sidebar beta question")
    }

    function test_double_click_renames_in_place() {
        const sidebar = createSidebar()
        const row = rowFor(sidebar, ids.alpha)
        mouseDoubleClickSequence(row)
        verify(row.editing)
        verify(row.renameField.activeFocus)
        row.renameField.text = "Renamed alpha"
        keyClick(Qt.Key_Return)
        tryVerify(() => entryFor(ids.alpha).title === "Renamed alpha")
    }

    function test_escape_cancels_a_rename() {
        const sidebar = createSidebar()
        const row = rowFor(sidebar, ids.beta)
        openMenuAndChoose(row, 0)
        tryVerify(() => row.editing && row.renameField.activeFocus)
        row.renameField.text = "Not this"
        keyClick(Qt.Key_Escape)
        verify(!row.editing)
        wait(200)
        compare(entryFor(ids.beta).title, "Sidebar beta question")
    }

    function test_pinning_moves_a_conversation_to_the_top() {
        const sidebar = createSidebar()
        openMenuAndChoose(rowFor(sidebar, ids.alpha), 1)
        const list = ChatController.history.conversations
        tryVerify(() => list.get(0).id === ids.alpha && list.get(0).pinned)
        compare(list.get(0).section, "Pinned")
        openMenuAndChoose(rowFor(sidebar, ids.alpha), 1)
        tryVerify(() => !entryFor(ids.alpha).pinned)
        verify(entryFor(ids.alpha).section !== "Pinned")
    }

    function test_delete_offers_undo_and_deletes_when_it_expires() {
        const sidebar = createSidebar()
        const history = ChatController.history
        history.undoMilliseconds = 60000
        openMenuAndChoose(rowFor(sidebar, ids.gamma), 2)
        compare(history.conversations.rowOf(ids.gamma), -1)
        compare(history.pendingDeletion.title, "Sidebar gamma question")
        const toast = findChild(sidebar, "undoToast")
        verify(toast.visible)
        mouseClick(findChild(toast, "undoDeleteButton"))
        verify(!toast.visible)
        verify(history.conversations.rowOf(ids.gamma) >= 0)

        history.undoMilliseconds = 200
        openMenuAndChoose(rowFor(sidebar, ids.gamma), 2)
        verify(toast.visible)
        tryVerify(() => !toast.visible, 5000)
        // Gone from the database too: a search for its words finds nothing any more.
        history.search("gamma question")
        tryVerify(() => history.searchQuery === "gamma question" && history.searchResults.length === 0)
        compare(history.conversations.rowOf(ids.gamma), -1)
    }

    function test_search_shows_snippets_and_opens_the_result() {
        const sidebar = createSidebar()
        sidebar.searchField.forceActiveFocus()
        for (const key of "beta")
            keyClick(key)
        const results = sidebar.searchResults
        tryVerify(() => results.visible && results.count === 1, 5000)
        verify(!sidebar.conversationList.visible)
        const row = results.itemAtIndex(0)
        const snippet = findChild(row, "searchSnippet")
        verify(snippet.text.indexOf("<b>beta</b>") >= 0, snippet.text)
        mouseClick(row)
        tryCompare(ChatController, "conversationId", ids.beta)
        keyClick(Qt.Key_Escape, Qt.NoModifier)
        sidebar.searchField.clear()
        verify(sidebar.conversationList.visible)
    }
}
