import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat

// One search result: the conversation's title and the text around the match, matched words in
// bold. Clicking opens the conversation.
ItemDelegate {
    id: result

    required property var modelData

    objectName: "searchResultRow"
    text: modelData.title.length > 0 ? modelData.title : qsTr("Untitled")
    Accessible.name: qsTr("%1: %2").arg(text).arg(snippet.text.replace(/<[^>]*>/g, ""))
    highlighted: modelData.conversationId === ChatController.conversationId

    contentItem: ColumnLayout {
        spacing: 2
        Label {
            Layout.fillWidth: true
            text: result.text
            color: Theme.text
            font.pixelSize: Theme.fontSize
            elide: Text.ElideRight
        }
        Label {
            id: snippet
            objectName: "searchSnippet"
            Layout.fillWidth: true
            // Escaped by HistoryWorker; only its <b> tags are markup.
            text: result.modelData.snippet
            textFormat: Text.StyledText
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
            maximumLineCount: 3
            elide: Text.ElideRight
        }
    }

    onClicked: ChatController.openConversation(result.modelData.conversationId)
}
