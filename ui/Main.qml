import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Chat
import Hearth.Desktop
import Hearth.Settings

// The application window: conversations on the left, the chat on the right.
ApplicationWindow {
    id: window

    property alias settingsDialog: settingsDialog
    property alias chatPage: chatPage
    property alias sidebar: sidebar
    property alias firstRunPage: firstRunPage
    // While no model is chosen the first-run page covers the chat. The app turns this on (so
    // tests of the chat see the chat).
    property bool firstRunAllowed: false

    width: 1120
    height: 740
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    title: qsTr("Hearth")
    color: Theme.window
    // Controls (buttons, fields, menus, dialogs) take their colours from the theme too.
    palette.window: Theme.window
    palette.base: Theme.surface
    palette.alternateBase: Theme.codeBackground
    palette.button: Theme.surface
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.textMuted
    palette.mid: Theme.border
    // Text colours per state (a colour set for all states would leave disabled controls looking
    // enabled).
    palette.active.windowText: Theme.text
    palette.active.text: Theme.text
    palette.active.buttonText: Theme.text
    palette.inactive.windowText: Theme.text
    palette.inactive.text: Theme.text
    palette.inactive.buttonText: Theme.text
    palette.disabled.windowText: Theme.textMuted
    palette.disabled.text: Theme.textMuted
    palette.disabled.buttonText: Theme.textMuted

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            objectName: "sidebar"
            onNewConversationRequested: chatPage.startNewConversation()
            Layout.preferredWidth: Theme.sidebarWidth
            Layout.fillHeight: true
        }
        Rectangle {
            Layout.preferredWidth: 1
            Layout.fillHeight: true
            color: Theme.border
        }
        ChatPage {
            id: chatPage
            objectName: "chatPage"
            Layout.fillWidth: true
            Layout.fillHeight: true
            onSettingsRequested: settingsDialog.open()
        }
    }

    FirstRunPage {
        id: firstRunPage
        objectName: "firstRunPage"
        // Over the chat only: the sidebar's conversations stay in reach.
        x: chatPage.x
        y: chatPage.y
        width: chatPage.width
        height: chatPage.height
        visible: window.firstRunAllowed && AppSettings.modelPath.length === 0 && !dismissed
        onModelChosen: path => {
            AppSettings.modelPath = path
            ChatController.loadModel(path)
        }
    }

    SettingsDialog {
        id: settingsDialog
    }

    // Application-wide: Hearth has one window, and its shortcuts must work wherever the focus is.
    Shortcut {
        sequence: "Ctrl+N"
        context: Qt.ApplicationShortcut
        enabled: !ChatController.busy
        onActivated: chatPage.startNewConversation()
    }
    Shortcut {
        sequence: "Ctrl+F"
        context: Qt.ApplicationShortcut
        onActivated: sidebar.focusSearch()
    }
    Shortcut {
        sequence: "Ctrl+,"
        context: Qt.ApplicationShortcut
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: "Ctrl+R"
        context: Qt.ApplicationShortcut
        enabled: !ChatController.busy && ChatController.modelReady
        onActivated: chatPage.regenerateLastAnswer()
    }
    // Only while an answer is being written, so Escape keeps its other meanings otherwise.
    Shortcut {
        sequence: "Esc"
        context: Qt.ApplicationShortcut
        enabled: ChatController.busy
        onActivated: ChatController.stop()
    }
    Shortcut {
        sequence: "Ctrl+Shift+C"
        context: Qt.ApplicationShortcut
        onActivated: {
            const answer = ChatController.messages.lastAnswer()
            if (answer.length > 0)
                Clipboard.copy(answer)
        }
    }

    // Reopen the model used last time.
    Component.onCompleted: if (AppSettings.modelPath.length > 0) ChatController.loadModel(AppSettings.modelPath)
}
