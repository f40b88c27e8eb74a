import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat

// The conversation list. Conversations arrive with the store (issue 6); until then it says so.
Rectangle {
    id: sidebar

    signal newConversationRequested()

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingLarge
        spacing: Theme.spacingLarge

        Label {
            text: qsTr("Hearth")
            color: Theme.text
            font.pixelSize: Theme.fontSizeTitle
            font.bold: true
        }

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            onClicked: sidebar.newConversationRequested()
        }

        Label {
            text: qsTr("Conversations")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            font.capitalization: Font.AllUppercase
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ChatController.history
            delegate: ItemDelegate {
                required property var modelData
                width: ListView.view.width
                text: modelData.title.length > 0 ? modelData.title : qsTr("Untitled")
                highlighted: modelData.id === ChatController.conversationId
                onClicked: ChatController.openConversation(modelData.id)
            }

            Label {
                anchors.fill: parent
                visible: conversationList.count === 0
                text: ChatController.historyError.length > 0
                      ? qsTr("Conversations cannot be saved: %1").arg(ChatController.historyError)
                      : qsTr("No conversations yet.\nYour chats will be listed here.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
                verticalAlignment: Text.AlignTop
            }
        }
    }
}
