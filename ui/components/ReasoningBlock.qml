import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The model's reasoning, apart from its answer: open and live while it thinks, folded once the
// answer starts, with a handle that reopens it.
ColumnLayout {
    id: block

    property string text
    property bool thinking
    property real seconds
    property int tokens
    property bool expanded: thinking

    spacing: Theme.spacingSmall

    onThinkingChanged: expanded = thinking

    ToolButton {
        objectName: "reasoningHandle"
        Layout.fillWidth: true
        contentItem: Label {
            text: (block.expanded ? "▾ " : "▸ ")
                  + (block.thinking ? qsTr("Thinking… %1 s").arg(Math.round(block.seconds))
                                    : qsTr("Thought for %1 s · %2 tokens").arg(Math.round(block.seconds)).arg(block.tokens))
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            horizontalAlignment: Text.AlignLeft
        }
        onClicked: block.expanded = !block.expanded
    }
    TextEdit {
        objectName: "reasoningText"
        Layout.fillWidth: true
        visible: block.expanded
        text: block.text
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        textFormat: TextEdit.PlainText
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        leftPadding: Theme.spacingLarge
    }
}
