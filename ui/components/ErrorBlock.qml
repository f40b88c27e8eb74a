import QtQuick
import QtQuick.Controls
import Hearth

// Why an answer failed, in the engine's words, apart from whatever text came before it.
Rectangle {
    id: block

    property string message

    implicitHeight: label.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.notice
    border.color: Theme.accent

    Label {
        id: label
        objectName: "errorText"
        anchors.fill: parent
        anchors.margins: Theme.spacing
        text: qsTr("The answer failed: %1").arg(block.message)
        color: Theme.text
        wrapMode: Text.Wrap
    }
}
