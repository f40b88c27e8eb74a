import QtQuick
import QtTest
import Hearth
import Hearth.Settings

// The main window: sidebar, chat page with composer, and the settings menu entry.
TestCase {
    id: testCase
    name: "AppShell"
    when: windowShown

    Component {
        id: mainComponent
        Main {}
    }

    function findByName(root, name) {
        const found = findChild(root, name)
        verify(found !== null, "no item named " + name)
        return found
    }

    function createWindow() {
        const window = createTemporaryObject(mainComponent, testCase)
        verify(window !== null)
        tryVerify(() => window.visible && window.width > 0)
        return window
    }

    function test_shell_has_sidebar_chat_page_and_composer() {
        const window = createWindow()
        const sidebar = findByName(window.contentItem, "sidebar")
        const page = findByName(window.contentItem, "chatPage")
        verify(sidebar.width > 0 && sidebar.height > 0)
        verify(page.x >= sidebar.x + sidebar.width, "chat page is right of the sidebar")
        const composer = findByName(window.contentItem, "composer")
        verify(composer.visible)
        compare(findByName(window.contentItem, "conversationList").count, 0)
    }

    function test_disabled_controls_look_disabled() {
        const window = createWindow()
        const palette = window.palette
        verify(!Qt.colorEqual(palette.disabled.buttonText, palette.active.buttonText),
               "a disabled button's text looks like an enabled one's")
        verify(!Qt.colorEqual(palette.disabled.windowText, palette.active.windowText))
        verify(!Qt.colorEqual(palette.disabled.text, palette.active.text))
    }

    function test_settings_menu_entry_opens_the_settings_dialog() {
        const window = createWindow()
        const menuButton = findByName(window.contentItem, "mainMenuButton")
        mouseClick(menuButton)
        const menu = window.chatPage.mainMenu
        tryCompare(menu, "opened", true)
        const entry = menu.itemAt(0)
        compare(entry.objectName, "settingsMenuItem")
        mouseClick(entry)
        tryCompare(window.settingsDialog, "opened", true)
    }

    function test_reasoning_effort_choice_is_stored() {
        const window = createWindow()
        AppSettings.reasoningEffort = "medium"
        window.settingsDialog.open()
        tryCompare(window.settingsDialog, "opened", true)
        const high = findByName(window.settingsDialog.contentItem, "effort_high")
        mouseClick(high)
        compare(AppSettings.reasoningEffort, "high")
        // A new chat's effort selector follows the default.
        compare(window.chatPage.effortSelector.effort, "high")
    }

    function test_sending_without_a_model_explains_and_keeps_the_text() {
        const window = createWindow()
        const page = window.chatPage
        verify(!page.noModelNotice.visible)
        page.composer.text = "Hello there"
        page.composer.submit()
        verify(page.noModelNotice.visible)
        compare(page.composer.text, "Hello there")
    }

    function test_new_chat_clears_the_composer() {
        const window = createWindow()
        const page = window.chatPage
        page.composer.text = "draft"
        page.composer.submit()
        mouseClick(findByName(window.contentItem, "newChatButton"))
        compare(page.composer.text, "")
        verify(!page.noModelNotice.visible)
    }
}
