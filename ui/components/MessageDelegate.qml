import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Desktop

// One message: the user's words in a bubble on the right, or the model's reasoning and answer.
Item {
    id: delegate

    required property string author
    required property string answer
    required property string reasoning
    required property string status
    required property string effort
    required property real thinkingSeconds
    required property int reasoningTokens
    required property string error

    readonly property bool fromUser: author === "user"

    // A link in the answer was clicked; the page asks before anything opens it.
    signal linkActivated(string link)

    implicitHeight: column.implicitHeight + Theme.spacingLarge

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: Theme.spacing

        Rectangle {
            visible: delegate.fromUser
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: delegate.width * 0.8
            implicitWidth: userText.implicitWidth + 2 * Theme.spacingLarge
            implicitHeight: userText.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border

            TextEdit {
                id: userText
                anchors.fill: parent
                anchors.leftMargin: Theme.spacingLarge
                anchors.rightMargin: Theme.spacingLarge
                anchors.topMargin: Theme.spacing
                text: delegate.answer
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
        }

        ReasoningBlock {
            objectName: "reasoningBlock"
            visible: !delegate.fromUser && delegate.reasoning.length > 0
            Layout.fillWidth: true
            text: delegate.reasoning
            thinking: delegate.status === "streaming" && delegate.answer.length === 0
            seconds: delegate.thinkingSeconds
            tokens: delegate.reasoningTokens
        }

        MarkdownView {
            objectName: "answerView"
            visible: !delegate.fromUser
            Layout.fillWidth: true
            markdown: delegate.fromUser ? "" : delegate.answer
            onLinkActivated: link => delegate.linkActivated(link)
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing

            Rectangle {
                objectName: "effortBadge"
                visible: !delegate.fromUser && delegate.effort.length > 0
                implicitWidth: effortLabel.implicitWidth + 2 * Theme.spacing
                implicitHeight: effortLabel.implicitHeight + Theme.spacingSmall
                radius: height / 2
                color: Theme.codeBackground
                border.color: Theme.border

                Label {
                    id: effortLabel
                    anchors.centerIn: parent
                    text: qsTr("%1 reasoning").arg(delegate.effort)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }
            Label {
                visible: !delegate.fromUser && delegate.status !== "complete"
                         && delegate.status !== "streaming"
                text: delegate.status === "cancelled" ? qsTr("Stopped")
                    : delegate.status === "length" ? qsTr("Cut off at the length limit")
                    : delegate.status === "failed" ? qsTr("Failed: %1").arg(delegate.error)
                    : delegate.status
                color: Theme.accent
                font.pixelSize: Theme.fontSizeSmall
            }
            Item {
                Layout.fillWidth: true
            }
            ToolButton {
                id: copyButton
                objectName: "copyMessageButton"
                property bool copied: false
                visible: delegate.answer.length > 0
                text: copied ? qsTr("Copied") : qsTr("Copy")
                font.pixelSize: Theme.fontSizeSmall
                Accessible.name: delegate.fromUser ? qsTr("Copy your message") : qsTr("Copy the answer")
                onClicked: {
                    Clipboard.copy(delegate.answer)
                    copied = true
                    copiedTimer.restart()
                }
                Timer {
                    id: copiedTimer
                    interval: 1500
                    onTriggered: copyButton.copied = false
                }
            }
        }
    }
}
