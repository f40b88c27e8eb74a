import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Desktop

// Asks before a link in an answer is opened: shows the whole address first. Only web and e-mail
// addresses are handed to the desktop; anything else can only be copied.
Dialog {
    id: dialog

    property string link
    readonly property bool openable: /^(https?|mailto):/i.test(link)
    // What opens an accepted link; tests replace it.
    property var openUrl: url => Qt.openUrlExternally(url)

    function ask(address) {
        link = address
        open()
    }

    objectName: "linkDialog"
    title: qsTr("Open this link?")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacingHuge : 520)

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Label {
            Layout.fillWidth: true
            text: dialog.openable ? qsTr("The answer links to this address. Open it in your browser?")
                                  : qsTr("Hearth opens only web and e-mail links. You can copy this address instead.")
            wrapMode: Text.WordWrap
        }
        TextEdit {
            objectName: "linkAddress"
            Accessible.name: qsTr("Link address")
            Layout.fillWidth: true
            text: dialog.link
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            color: Theme.text
            font.family: Theme.monoFontFamily
            font.pixelSize: Theme.fontSizeSmall
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "copyLinkButton"
            text: qsTr("Copy address")
            Accessible.name: qsTr("Copy the address")
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: {
                Clipboard.copy(dialog.link)
                dialog.close()
            }
        }
        Button {
            objectName: "openLinkButton"
            text: qsTr("Open")
            Accessible.name: qsTr("Open the link in the browser")
            visible: dialog.openable
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    onAccepted: if (openable) openUrl(link)
}
