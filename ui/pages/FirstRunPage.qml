import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth
import Hearth.Library

// Shown while no model is chosen: the gpt-oss models already on this computer with a fit line
// and their details each, "Open file…", and the download of gpt-oss-20b (started only by the
// user's click).
Rectangle {
    id: page

    property bool dismissed: false
    property var openedModel: null // ModelLibrary.describe() of the file picked with Open file…
    readonly property var downloader: ModelLibrary.downloader
    property alias modelList: modelList
    property alias downloadButton: downloadButton
    property alias pauseButton: pauseButton
    property alias cancelButton: cancelButton
    property alias downloadProgress: downloadProgress
    property alias downloadStatus: downloadStatus
    property alias detailsDialog: detailsDialog

    signal modelChosen(string path)

    function openModel(location) {
        openedModel = ModelLibrary.describe(location)
    }

    color: Theme.window
    onVisibleChanged: if (visible) ModelLibrary.rescan()
    Component.onCompleted: if (visible) ModelLibrary.rescan()

    // Nothing behind the page reacts while it is shown.
    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.AllButtons
        onWheel: wheel => wheel.accepted = true
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Open a gpt-oss model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("Hugging Face config (config.json)"), qsTr("All files (*)")]
        onAccepted: {
            const path = String(selectedFile)
            // A checkpoint folder is opened through its config.json.
            page.openModel(path.endsWith("/config.json") ? path.slice(0, -"/config.json".length) : path)
        }
    }
    FolderDialog {
        id: folderDialog
        title: qsTr("Add a folder to search for models")
        onAccepted: ModelLibrary.addFolder(selectedFolder)
    }

    ModelDetailsDialog {
        id: detailsDialog
        onRemoved: path => {
            if (page.openedModel !== null && page.openedModel.path === path)
                page.openedModel = null
            ModelLibrary.rescan()
        }
    }

    Connections {
        target: page.downloader
        function onFinished(path) { page.modelChosen(path) }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(scroll.availableWidth - 2 * Theme.spacingHuge, Theme.contentMaxWidth)
            x: (scroll.availableWidth - width) / 2
            spacing: Theme.spacingLarge

            Item { Layout.preferredHeight: Theme.spacingLarge }
            Label {
                text: qsTr("Welcome to Hearth")
                color: Theme.text
                font.pixelSize: Theme.fontSizeHero
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Hearth runs OpenAI's gpt-oss-20b on this computer. Choose a model file you already have, or download it once (about 12 GB); after that nothing leaves this computer.")
                color: Theme.textMuted
                wrapMode: Text.WordWrap
            }

            RowLayout {
                Layout.fillWidth: true
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Models on this computer")
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeTitle
                    font.bold: true
                }
                BusyIndicator {
                    objectName: "scanningIndicator"
                    running: ModelLibrary.scanning
                    visible: running
                    Layout.preferredHeight: 28
                    Layout.preferredWidth: 28
                }
                Button {
                    objectName: "rescanButton"
                    text: qsTr("Search again")
                    flat: true
                    onClicked: ModelLibrary.rescan()
                }
            }

            Repeater {
                id: modelList
                objectName: "modelList"
                model: ModelLibrary.models
                delegate: ModelRow {
                    required property var modelData
                    entry: modelData
                    Layout.fillWidth: true
                    onUseRequested: path => page.modelChosen(path)
                    onDetailsRequested: path => detailsDialog.show(path)
                }
            }
            Label {
                objectName: "noModelsFound"
                Layout.fillWidth: true
                visible: !ModelLibrary.scanning && modelList.count === 0
                text: qsTr("No gpt-oss model was found in LM Studio, GPT4All, the Hugging Face cache, Downloads or your folders.")
                color: Theme.textMuted
                wrapMode: Text.WordWrap
            }
            ModelRow {
                objectName: "openedModel"
                Layout.fillWidth: true
                visible: page.openedModel !== null
                entry: page.openedModel ?? { name: "", source: "", format: "", sizeText: "", valid: false, fits: false, fitText: "", fitAdvice: "", problem: "", path: "" }
                onUseRequested: path => page.modelChosen(path)
                onDetailsRequested: path => detailsDialog.show(path)
            }
            RowLayout {
                spacing: Theme.spacing
                Button {
                    objectName: "openFileButton"
                    text: qsTr("Open file…")
                    onClicked: fileDialog.open()
                }
                Button {
                    objectName: "addFolderButton"
                    text: qsTr("Add folder…")
                    flat: true
                    onClicked: folderDialog.open()
                }
            }

            Label {
                Layout.topMargin: Theme.spacingLarge
                text: qsTr("Download gpt-oss-20b")
                color: Theme.text
                font.pixelSize: Theme.fontSizeTitle
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("%1 from %2 on Hugging Face, saved in %3.").arg(page.downloader.fileName).arg(page.downloader.repo).arg(page.downloader.folder)
                color: Theme.textMuted
                wrapMode: Text.WordWrap
            }
            Label {
                objectName: "downloadFitLine"
                Layout.fillWidth: true
                text: ModelLibrary.downloadFitText + (ModelLibrary.downloadFitAdvice.length > 0 ? "\n" + ModelLibrary.downloadFitAdvice : "")
                color: ModelLibrary.downloadFitAdvice.length > 0 ? Theme.accent : Theme.text
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.WordWrap
            }
            RowLayout {
                spacing: Theme.spacing
                Button {
                    id: downloadButton
                    objectName: "downloadButton"
                    readonly property bool resumes: page.downloader.state === "paused" || (page.downloader.state === "failed" && page.downloader.receivedBytes > 0)
                    text: resumes ? qsTr("Resume") : qsTr("Download")
                    visible: page.downloader.state !== "downloading" && page.downloader.state !== "verifying" && page.downloader.state !== "done"
                    highlighted: true
                    onClicked: page.downloader.start()
                }
                Button {
                    id: pauseButton
                    objectName: "pauseButton"
                    text: qsTr("Pause")
                    visible: page.downloader.state === "downloading"
                    onClicked: page.downloader.pause()
                }
                Button {
                    id: cancelButton
                    objectName: "cancelButton"
                    text: qsTr("Cancel")
                    flat: true
                    visible: page.downloader.state === "downloading" || page.downloader.state === "paused" || (page.downloader.state === "failed" && page.downloader.receivedBytes > 0)
                    onClicked: page.downloader.cancel()
                }
            }
            ProgressBar {
                id: downloadProgress
                objectName: "downloadProgress"
                Layout.fillWidth: true
                visible: page.downloader.state !== "idle"
                from: 0
                to: Math.max(1, page.downloader.totalBytes)
                value: page.downloader.receivedBytes
                indeterminate: page.downloader.state === "verifying" || (page.downloader.state === "downloading" && page.downloader.totalBytes === 0)
            }
            Label {
                id: downloadStatus
                objectName: "downloadStatus"
                Layout.fillWidth: true
                visible: text.length > 0
                text: {
                    const d = page.downloader
                    if (d.state === "failed") return d.error
                    if (d.state === "verifying") return qsTr("Checking the file's SHA-256…")
                    if (d.state === "paused") return qsTr("Paused at %1").arg(d.progressText)
                    if (d.state === "done") return qsTr("Downloaded to %1").arg(d.destination)
                    if (d.state === "downloading") return d.progressText
                    return ""
                }
                color: page.downloader.state === "failed" ? Theme.accent : Theme.text
                wrapMode: Text.WordWrap
            }

            Button {
                objectName: "notNowButton"
                Layout.topMargin: Theme.spacingLarge
                text: qsTr("Not now")
                flat: true
                onClicked: page.dismissed = true
            }
            Item { Layout.preferredHeight: Theme.spacingLarge }
        }
    }
}
