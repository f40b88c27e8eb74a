import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The model's reasoning, apart from its answer: open and live while it thinks, folded once the
// answer starts, with a handle that reopens it. While it is open and scrolled through, the handle
// stays at the top of the view, so it can be folded from anywhere in a long reasoning.
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
    // The list the block scrolls in; without one the handle stays at the block's top.
    property Flickable view: null
    // How far the handle is moved down from the block's top to stay at the top of the view:
    // never above the block's top, never below its end.
    readonly property real handleOffset: {
        if (!view || !expanded || !visible)
            return 0
        const viewTop = view.contentY
        const blockTop = block.mapToItem(view.contentItem, 0, 0).y
        return Math.max(0, Math.min(viewTop - blockTop, block.height - handleSlot.height))
    }

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

    // Keeps the handle's place in the column while the handle itself moves with the view.
    Item {
        id: handleSlot
        Layout.fillWidth: true
        implicitHeight: handle.implicitHeight
        z: 1 // over the reasoning text it slides across

        Rectangle {
            anchors.fill: handle
            visible: block.handleOffset > 0
            color: Theme.window
        }

        ToolButton {
            id: handle
            objectName: "reasoningHandle"
            width: handleSlot.width
            y: block.handleOffset
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
            onClicked: {
                const stuck = block.handleOffset > 0
                block.expanded = !block.expanded
                // Folded from the middle: the view goes back to the block, not to what follows.
                if (stuck)
                    block.view.contentY = block.mapToItem(block.view.contentItem, 0, 0).y
            }
        }
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
