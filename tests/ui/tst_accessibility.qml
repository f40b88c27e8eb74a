import QtQuick
import QtTest
import Hearth
import Hearth.Chat

// Every control a screen reader can reach has a name: its own Accessible.name, or the text Qt
// reads out for it. Controls drawn as icons and text fields need the explicit name.
TestCase {
    id: testCase
    name: "Accessibility"
    width: 700
    height: 700
    visible: true
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }
    Component {
        id: messageComponent
        MessageDelegate {
            width: 600
            author: "assistant"
            answer: "Try this:\n\n```sh\nls\n```\n\n| a |\n|---|\n| [x](https://x.org) |"
            reasoning: "Thinking it over"
            status: "length"
            effort: "high"
            thinkingSeconds: 2
            reasoningTokens: 5
            error: ""
            toolName: "functions.get_weather"
            toolArguments: "{}"
            canContinue: true
            // A second version, the newest answer, cut off: every action button shows.
            index: 1
            siblingIndex: 1
            siblingCount: 2
            last: true
        }
    }
    Component {
        id: questionComponent
        MessageDelegate {
            width: 600
            author: "user"
            answer: "A question"
            reasoning: ""
            status: "complete"
            effort: ""
            thinkingSeconds: 0
            reasoningTokens: 0
            error: ""
            toolName: ""
            toolArguments: ""
            canContinue: false
            index: 0
            siblingIndex: 0
            siblingCount: 2
        }
    }
    Component {
        id: rowComponent
        ConversationRow {
            width: 300
            conversationId: 1
            title: "A saved chat"
            pinned: true
        }
    }
    Component {
        id: resultComponent
        SearchResultRow {
            width: 300
            modelData: ({ conversationId: 1, title: "A saved chat", snippet: "a <b>match</b>" })
        }
    }

    // Buttons (AbstractButton has autoRepeat), text fields (placeholderText) and combo boxes.
    function isControl(item) {
        return item.autoRepeat !== undefined || item.placeholderText !== undefined
               || item.textRole !== undefined
    }

    // A combo box's text field is part of it, named with it.
    function unnamedControls(item) {
        if (!item.visible || item.textRole !== undefined && item.Accessible.name)
            return []
        let unnamed = []
        if (isControl(item)) {
            const name = item.Accessible.name
            const spoken = item.placeholderText === undefined && item.text ? item.text : ""
            if (!name && !spoken)
                unnamed.push(item.objectName || String(item))
        }
        for (let i = 0; i < item.children.length; ++i)
            unnamed = unnamed.concat(unnamedControls(item.children[i]))
        return unnamed
    }

    function test_the_window_names_its_controls() {
        const window = createTemporaryObject(mainComponent, testCase)
        tryVerify(() => window.visible && window.width > 0)
        compare(unnamedControls(window.contentItem), [])
        window.settingsDialog.open()
        tryCompare(window.settingsDialog, "opened", true)
        compare(unnamedControls(window.settingsDialog.contentItem), [])
        window.chatPage.linkDialog.ask("https://example.com")
        tryCompare(window.chatPage.linkDialog, "opened", true)
        compare(unnamedControls(window.chatPage.linkDialog.contentItem), [])
        compare(unnamedControls(window.chatPage.linkDialog.footer), [])
    }

    function test_messages_name_their_controls() {
        const message = createTemporaryObject(messageComponent, testCase)
        compare(unnamedControls(message), [])
        const question = createTemporaryObject(questionComponent, testCase)
        compare(unnamedControls(question), [])
        findChild(question, "editMessageButton").clicked()
        compare(unnamedControls(question), [])
    }

    function test_sidebar_rows_name_their_controls() {
        const row = createTemporaryObject(rowComponent, testCase)
        compare(unnamedControls(row), [])
        row.startRename()
        compare(unnamedControls(row), [])
        compare(unnamedControls(createTemporaryObject(resultComponent, testCase)), [])
    }
}
