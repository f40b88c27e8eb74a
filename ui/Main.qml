import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth.Chat
import Hearth.Settings

// The application window: conversations on the left, the chat on the right.
ApplicationWindow {
    id: window

    property alias settingsDialog: settingsDialog
    property alias chatPage: chatPage
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

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
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

    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }

    // Reopen the model used last time.
    Component.onCompleted: if (AppSettings.modelPath.length > 0) ChatController.loadModel(AppSettings.modelPath)
}
