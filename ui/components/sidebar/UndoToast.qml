import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat

// Offers Undo while a deleted conversation waits out its few seconds before it is really gone.
Rectangle {
    id: toast

    readonly property var pending: ChatController.history.pendingDeletion

    objectName: "undoToast"
    visible: pending.id !== undefined
    implicitHeight: layout.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        Label {
            Layout.fillWidth: true
            text: toast.pending.title ? qsTr("Deleted “%1”").arg(toast.pending.title)
                                      : qsTr("Conversation deleted")
            color: Theme.text
            font.pixelSize: Theme.fontSizeSmall
            elide: Text.ElideRight
        }
        Button {
            objectName: "undoDeleteButton"
            text: qsTr("Undo")
            Accessible.name: qsTr("Undo the deletion")
            flat: true
            onClicked: ChatController.history.undoRemove()
        }
    }
}
