import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Asks before a model's files are deleted: names the model, where it is and the space it frees.
Dialog {
    id: dialog

    property string name
    property string path
    property string sizeText
    property int fileCount: 0
    property bool folder: false

    objectName: "removeModelDialog"
    title: qsTr("Remove this model?")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacingHuge : 520)

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Label {
            objectName: "removeQuestion"
            Layout.fillWidth: true
            text: dialog.folder
                  ? qsTr("This deletes the %1 model files of %2 (%3) from this computer. Other files in the folder stay.").arg(dialog.fileCount).arg(dialog.name).arg(dialog.sizeText)
                  : qsTr("This deletes %1 (%2) from this computer.").arg(dialog.name).arg(dialog.sizeText)
            wrapMode: Text.WordWrap
        }
        Label {
            Layout.fillWidth: true
            text: dialog.path
            color: Theme.textMuted
            font.family: Theme.monoFontFamily
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.WrapAnywhere
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "confirmRemoveButton"
            text: qsTr("Remove")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "cancelRemoveButton"
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
}
