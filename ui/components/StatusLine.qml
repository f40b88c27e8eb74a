import QtQuick
import QtQuick.Controls
import Hearth
import Hearth.Chat

// The bottom line of the chat page: what runs the model, the memory it takes, how much of the
// context the conversation uses, and how fast the last answer came.
Rectangle {
    id: statusLine

    readonly property var stats: ChatController.lastStats
    readonly property var memory: ChatController.memoryUse
    property alias text: label.text

    function describe() {
        if (!ChatController.modelReady)
            return ChatController.modelState === "loading" ? qsTr("Loading the model…")
                                                           : qsTr("No model loaded")
        // The engine's own words: "Vulkan on <GPU>", "CPU, 8 threads (Vulkan was not used: …)".
        const parts = [ChatController.deviceName]
        if (memory.gpuBytes > 0)
            parts.push(qsTr("VRAM %1").arg(ByteSize.text(memory.gpuBytes)))
        if (memory.ramBytes > 0)
            parts.push(qsTr("RAM %1").arg(ByteSize.text(memory.ramBytes)))
        parts.push(qsTr("context %1 / %2 tokens")
                   .arg(stats.contextUsed !== undefined ? stats.contextUsed : 0)
                   .arg(ChatController.contextLength))
        if (stats.tokensPerSecond !== undefined)
            parts.push(qsTr("%1 tokens/s").arg(stats.tokensPerSecond.toFixed(1)))
        if (stats.timeToFirstTokenMs !== undefined && stats.timeToFirstTokenMs >= 0)
            parts.push(qsTr("first token after %1 s").arg((stats.timeToFirstTokenMs / 1000).toFixed(2)))
        return parts.join("  ·  ")
    }

    implicitHeight: label.implicitHeight + Theme.spacing
    color: Theme.sidebar

    Label {
        id: label
        objectName: "statusText"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: Theme.spacingLarge
        anchors.rightMargin: Theme.spacingLarge
        text: statusLine.describe()
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        elide: Text.ElideRight
    }
}
