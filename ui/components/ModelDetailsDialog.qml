import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat
import Hearth.Library

// What a model is, read from its headers in the background: architecture, size, quantisation,
// context limits, license and where it is; with "Show in folder" and "Remove…" (asked first).
Dialog {
    id: dialog

    property alias details: details
    property alias removeDialog: removeDialog
    property alias showInFolderButton: showInFolderButton
    property alias removeButton: removeButton
    readonly property var facts: details.details
    // The headers were read: the facts below the error are known.
    readonly property bool factsRead: details.state === "ready"
    // The chat's model cannot be removed from under it.
    readonly property bool inUse: details.path.length > 0 && ChatController.modelPath === details.path

    // The model's files were deleted.
    signal removed(string path)

    function show(path) {
        removeError.text = ""
        details.path = path
        open()
    }

    objectName: "modelDetailsDialog"
    title: facts.name ?? qsTr("Model details")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(600, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacingHuge : 600)

    component FactName: Label {
        color: Theme.textMuted
        visible: dialog.factsRead
    }
    component FactValue: Label {
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        visible: dialog.factsRead
    }

    ModelDetails {
        id: details
        onRemoved: path => {
            dialog.close()
            dialog.removed(path)
        }
        onRemoveFailed: message => removeError.text = message
    }

    RemoveModelDialog {
        id: removeDialog
        name: dialog.facts.name ?? ""
        path: details.path
        sizeText: details.removal.sizeText ?? ""
        fileCount: details.removal.fileCount ?? 0
        folder: details.removal.folder ?? false
        onAccepted: details.remove()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            visible: details.state === "reading"
            BusyIndicator {
                running: parent.visible
                Layout.preferredWidth: 28
                Layout.preferredHeight: 28
            }
            Label {
                text: qsTr("Reading the model's headers…")
                color: Theme.textMuted
            }
        }
        Label {
            objectName: "detailsError"
            Layout.fillWidth: true
            visible: details.state === "failed"
            text: qsTr("This model cannot be read: %1").arg(dialog.facts.error ?? "")
            color: Theme.accent
            wrapMode: Text.WordWrap
        }

        GridLayout {
            Layout.fillWidth: true
            visible: details.state === "ready" || details.state === "failed"
            columns: 2
            columnSpacing: Theme.spacingLarge
            rowSpacing: Theme.spacingSmall

            FactName { text: qsTr("Name"); visible: dialog.factsRead && (dialog.facts.title ?? "").length > 0 }
            FactValue {
                objectName: "title"
                visible: dialog.factsRead && (dialog.facts.title ?? "").length > 0
                text: dialog.facts.title ?? ""
            }
            FactName { text: qsTr("Architecture") }
            FactValue { objectName: "architecture"; text: dialog.facts.architecture ?? "" }
            FactName { text: qsTr("Format") }
            FactValue {
                objectName: "format"
                text: dialog.facts.format === "safetensors" ? qsTr("Hugging Face folder (safetensors)") : (dialog.facts.format ?? "")
            }
            FactName { text: qsTr("Parameters") }
            FactValue {
                objectName: "parameters"
                text: Number(dialog.facts.parameters ?? 0).toLocaleString(Qt.locale(), "f", 0)
            }
            FactName { text: qsTr("Quantisation") }
            FactValue {
                objectName: "quantisation"
                text: qsTr("%1 experts, %2 elsewhere").arg((dialog.facts.expertTypes ?? []).join("/")).arg((dialog.facts.otherTypes ?? []).join("/"))
            }
            FactName { text: qsTr("Context length") }
            FactValue {
                objectName: "contextLimit"
                text: (dialog.facts.yarnOriginalContext ?? 0) > 0
                      ? qsTr("%1 tokens (%2 before YaRN scaling)").arg(dialog.facts.contextLength).arg(dialog.facts.yarnOriginalContext)
                      : qsTr("%1 tokens").arg(dialog.facts.contextLength ?? 0)
            }
            FactName { text: qsTr("Sliding window") }
            FactValue {
                objectName: "slidingWindow"
                text: qsTr("%1 tokens, on every other layer").arg(dialog.facts.slidingWindow ?? 0)
            }
            FactName { text: qsTr("License") }
            FactValue {
                objectName: "license"
                text: (dialog.facts.license ?? "").length > 0 ? dialog.facts.license : qsTr("not stated in the file")
            }
            // Known even when the files cannot be read.
            FactName { text: qsTr("Size on disk"); visible: true }
            FactValue { objectName: "sizeOnDisk"; text: dialog.facts.sizeText ?? ""; visible: true }
            FactName { text: qsTr("Location"); visible: true }
            TextEdit {
                objectName: "location"
                Accessible.name: qsTr("Location")
                Layout.fillWidth: true
                text: details.path
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                textFormat: TextEdit.PlainText
                color: Theme.text
                font.family: Theme.monoFontFamily
                font.pixelSize: Theme.fontSizeSmall
            }
        }

        Label {
            objectName: "removeNote"
            Layout.fillWidth: true
            visible: text.length > 0
            text: dialog.inUse ? qsTr("Hearth is using this model. Open another one before removing it.")
                               : (details.removal.refusal ?? "")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.WordWrap
        }
        Label {
            id: removeError
            objectName: "removeError"
            Layout.fillWidth: true
            visible: text.length > 0
            color: Theme.accent
            wrapMode: Text.WordWrap
        }
    }

    footer: DialogButtonBox {
        Button {
            id: showInFolderButton
            objectName: "showInFolderButton"
            text: qsTr("Show in folder")
            enabled: details.path.length > 0
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: details.showInFolder()
        }
        Button {
            id: removeButton
            objectName: "removeModelButton"
            text: qsTr("Remove…")
            enabled: (details.state === "ready" || details.state === "failed") && !dialog.inUse
                     && (details.removal.refusal ?? "") === ""
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: removeDialog.open()
        }
        Button {
            objectName: "closeDetailsButton"
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
}
