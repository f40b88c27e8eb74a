import QtQuick
import QtQuick.Controls
import Hearth
import Hearth.Desktop

// A fenced code block: its language, a Copy button, and the code in a monospace font, scrolling
// sideways rather than wrapping.
Rectangle {
    id: codeBlock

    property string language
    property string code

    implicitHeight: bar.height + codeView.height
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border

    Item {
        id: bar
        width: parent.width
        height: copyButton.implicitHeight

        Label {
            objectName: "codeLanguage"
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacingLarge
            anchors.verticalCenter: parent.verticalCenter
            text: codeBlock.language.length > 0 ? codeBlock.language : qsTr("code")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
        ToolButton {
            id: copyButton
            objectName: "copyCodeButton"
            property bool copied: false
            anchors.right: parent.right
            text: copied ? qsTr("Copied") : qsTr("Copy")
            font.pixelSize: Theme.fontSizeSmall
            Accessible.name: qsTr("Copy the code")
            onClicked: {
                Clipboard.copy(codeBlock.code)
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

    Flickable {
        id: codeView
        y: bar.height
        width: parent.width
        height: codeText.implicitHeight
        contentWidth: codeText.implicitWidth
        flickableDirection: Flickable.HorizontalFlick
        boundsBehavior: Flickable.StopAtBounds
        clip: true

        TextEdit {
            id: codeText
            objectName: "codeText"
            padding: Theme.spacingLarge
            topPadding: 0
            text: codeBlock.code
            readOnly: true
            selectByMouse: true
            textFormat: TextEdit.PlainText
            color: Theme.text
            selectionColor: Theme.selection
            font.family: Theme.monoFontFamily
            font.pixelSize: Theme.fontSizeCode
        }
        ScrollBar.horizontal: ScrollBar {}
    }
}
