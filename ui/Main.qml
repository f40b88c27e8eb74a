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
