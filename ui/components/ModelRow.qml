import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One model on the first-run page: its name, where it was found, whether it fits, "Details…"
// and "Use".
// `entry` is one entry of ModelLibrary.models (or ModelLibrary.describe()).
Rectangle {
    id: row

    required property var entry
    signal useRequested(string path)
    signal detailsRequested(string path)

    implicitHeight: content.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    RowLayout {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.leftMargin: Theme.spacingLarge
        spacing: Theme.spacingLarge

        ColumnLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall

            Label {
                objectName: "modelName"
                Layout.fillWidth: true
                text: row.entry.name
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.bold: true
                elide: Text.ElideMiddle
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("%1 · %2 · %3").arg(row.entry.source).arg(row.entry.format).arg(row.entry.sizeText)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                elide: Text.ElideRight
            }
            Label {
                objectName: "fitLine"
                Layout.fillWidth: true
                text: row.entry.valid ? row.entry.fitText : qsTr("Cannot be used: %1").arg(row.entry.problem)
                color: row.entry.valid && row.entry.fits ? Theme.text : Theme.accent
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
            }
            Label {
                objectName: "fitAdvice"
                Layout.fillWidth: true
                visible: row.entry.valid && !row.entry.fits && text.length > 0
                text: row.entry.fitAdvice
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
            }
        }
        Button {
            objectName: "detailsButton"
            text: qsTr("Details…")
            flat: true
            enabled: row.entry.path.length > 0
            onClicked: row.detailsRequested(row.entry.path)
        }
        Button {
            objectName: "useButton"
            text: qsTr("Use")
            enabled: row.entry.valid
            onClicked: row.useRequested(row.entry.path)
        }
    }
}
