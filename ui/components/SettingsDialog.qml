import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Settings

// Preferences that apply to new chats, and what this build of Hearth is.
Dialog {
    id: dialog

    property alias effortGroup: effortGroup

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(480, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacingHuge : 480)
    standardButtons: Dialog.Close

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Label {
            text: qsTr("Reasoning effort")
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("How long gpt-oss thinks before it answers. Used for new chats.")
            wrapMode: Text.WordWrap
            opacity: 0.7
        }
        RowLayout {
            ButtonGroup {
                id: effortGroup
            }
            Repeater {
                model: [
                    { value: "low", label: qsTr("Low") },
                    { value: "medium", label: qsTr("Medium") },
                    { value: "high", label: qsTr("High") }
                ]
                RadioButton {
                    objectName: "effort_" + modelData.value
                    text: modelData.label
                    Accessible.name: qsTr("Reasoning effort: %1").arg(modelData.label)
                    ButtonGroup.group: effortGroup
                    checked: AppSettings.reasoningEffort === modelData.value
                    onToggled: AppSettings.reasoningEffort = modelData.value
                }
            }
        }

        MenuSeparator {
            Layout.fillWidth: true
        }

        Label {
            text: qsTr("About Hearth")
            font.bold: true
        }
        Label {
            objectName: "buildInfo"
            Layout.fillWidth: true
            text: qsTr("Version %1 (%2)\nBackends: %3")
                .arg(BuildInfo.version).arg(BuildInfo.buildType).arg(BuildInfo.backends.join(", "))
            wrapMode: Text.WordWrap
        }
    }
}
