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
    // How long the reasoning took and how many tokens it used (0 when not known, as for
    // conversations saved before these were kept).
    property real seconds
    property int tokens
    property bool expanded: thinking
    property alias handle: handle

    // Counts up every second while the model thinks, between its tokens too.
    property real liveSeconds: seconds
    property double thinkingSince: 0

    function startClock() {
        thinkingSince = Date.now() - seconds * 1000
        liveSeconds = seconds
    }

    spacing: Theme.spacingSmall

    onThinkingChanged: {
        expanded = thinking
        if (thinking)
            startClock()
    }
    Component.onCompleted: if (thinking) startClock()

    Timer {
        running: block.thinking
        interval: 250
        repeat: true
        onTriggered: block.liveSeconds = (Date.now() - block.thinkingSince) / 1000
    }

    ToolButton {
        id: handle
        objectName: "reasoningHandle"
        Layout.fillWidth: true
        Accessible.name: (block.expanded ? qsTr("Hide the reasoning: ") : qsTr("Show the reasoning: "))
                         + handleLabel.summary
        contentItem: Label {
            id: handleLabel
            readonly property string summary:
                block.thinking ? qsTr("Thinking… %1 s").arg(Math.floor(block.liveSeconds))
                : block.tokens > 0 ? qsTr("Thought for %1 s · %2 tokens").arg(Math.round(block.seconds)).arg(block.tokens)
                : qsTr("Reasoning")
            objectName: "reasoningSummary"
            text: (block.expanded ? "▾ " : "▸ ") + summary
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
