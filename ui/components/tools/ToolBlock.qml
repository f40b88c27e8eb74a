import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// A tool call or its result: a one-line summary that folds out the exact text (arguments or
// result) in a monospace font. Folded at first; the text is what the model wrote or was told.
Rectangle {
    id: block

    property string summary
    property string text
    property bool expanded: false
    property alias handle: handle

    implicitHeight: column.implicitHeight + 2 * Theme.spacingSmall
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: Theme.spacingSmall
        spacing: 0

        ToolButton {
            id: handle
            objectName: "toolBlockHandle"
            Layout.fillWidth: true
            Accessible.name: (block.expanded ? qsTr("Hide the details: ") : qsTr("Show the details: "))
                             + block.summary
            contentItem: Label {
                objectName: "toolBlockSummary"
                text: (block.expanded ? "▾ " : "▸ ") + block.summary
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                elide: Text.ElideRight
                horizontalAlignment: Text.AlignLeft
            }
            onClicked: block.expanded = !block.expanded
        }
        TextEdit {
            objectName: "toolBlockText"
            Layout.fillWidth: true
            visible: block.expanded
            text: block.text
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            color: Theme.text
            selectionColor: Theme.selection
            font.family: Theme.monoFontFamily
            font.pixelSize: Theme.fontSizeCode
            padding: Theme.spacing
            topPadding: 0
        }
    }
}
