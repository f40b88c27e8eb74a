import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat

// The conversations: a search over all of them, the list grouped by date with pinned ones first,
// and an Undo offer after a deletion.
Rectangle {
    id: sidebar

    property alias searchField: searchField
    property alias conversationList: conversationList
    property alias searchResults: searchResults

    signal newConversationRequested()

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingLarge
        spacing: Theme.spacing

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
            Accessible.name: qsTr("New chat")
            onClicked: sidebar.newConversationRequested()
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats")
            Accessible.name: qsTr("Search conversations")
            onTextChanged: searchDelay.restart()
            Keys.onEscapePressed: clear()

            // Searches once typing pauses, not on every key.
            Timer {
                id: searchDelay
                interval: 200
                onTriggered: ChatController.history.search(searchField.text)
            }
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: searchField.text.trim().length === 0
            clip: true
            model: ChatController.history.conversations
            section.property: "section"
            section.delegate: Label {
                required property string section
                width: ListView.view.width
                topPadding: Theme.spacing
                bottomPadding: Theme.spacingSmall
                text: section
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.capitalization: Font.AllUppercase
            }
            delegate: ConversationRow {
                width: ListView.view.width
            }

            Label {
                anchors.fill: parent
                visible: conversationList.count === 0
                text: ChatController.history.error.length > 0
                      ? qsTr("Conversations cannot be saved: %1").arg(ChatController.history.error)
                      : qsTr("No conversations yet.\nYour chats will be listed here.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
                verticalAlignment: Text.AlignTop
            }
        }

        ListView {
            id: searchResults
            objectName: "searchResults"
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !conversationList.visible
            clip: true
            model: ChatController.history.searchResults
            delegate: SearchResultRow {
                width: ListView.view.width
            }

            Label {
                anchors.fill: parent
                visible: searchResults.count === 0
                         && ChatController.history.searchQuery === searchField.text.trim()
                text: qsTr("No conversation matches.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
                verticalAlignment: Text.AlignTop
            }
        }

        UndoToast {
            Layout.fillWidth: true
        }
    }
}
