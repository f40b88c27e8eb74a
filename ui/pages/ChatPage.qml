import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Hearth
import Hearth.Chat
import Hearth.Settings

// The chat: a header with the model and the main menu, the conversation, and the composer.
Item {
    id: page

    property alias composer: composer
    property alias mainMenu: mainMenu
    property alias noModelNotice: noModelNotice
    property alias messageList: messageList
    property alias effortSelector: effortSelector
    property alias linkDialog: linkDialog
    property alias statusLine: statusLine

    signal settingsRequested()

    // A model that became ready answers what the notice below was about.
    Connections {
        target: ChatController
        function onModelChanged() {
            if (ChatController.modelReady)
                noModelNotice.visible = false
        }
    }

    function startNewConversation() {
        ChatController.newConversation()
        composer.clear()
        noModelNotice.visible = false
        composer.input.forceActiveFocus()
    }

    function regenerateLastAnswer() {
        if (ChatController.regenerate(effortSelector.effort))
            messageList.following = true
    }

    function openModel(location) {
        AppSettings.modelPath = location
        ChatController.loadModel(location)
    }

    LinkDialog {
        id: linkDialog
    }

    FileDialog {
        id: modelDialog
        title: qsTr("Open a gpt-oss model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: page.openModel(selectedFile)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            Layout.leftMargin: Theme.spacingLarge

            Label {
                objectName: "modelStatus"
                Layout.fillWidth: true
                text: ChatController.modelReady
                      ? qsTr("%1 · %2").arg(ChatController.modelName).arg(ChatController.backendName)
                      : ChatController.modelState === "loading" ? qsTr("Loading the model…")
                      : ChatController.modelState === "failed" ? qsTr("The model could not be loaded: %1").arg(ChatController.modelError)
                      : ChatController.modelState === "lost" ? qsTr("%1. Reload the model to go on.").arg(ChatController.modelError)
                      : qsTr("No model loaded")
                color: ChatController.modelState === "failed" || ChatController.modelState === "lost"
                       ? Theme.accent : Theme.text
                font.pixelSize: Theme.fontSize
                font.bold: true
                elide: Text.ElideRight
            }
            ProgressBar {
                objectName: "loadProgress"
                Accessible.name: qsTr("How much of the model is loaded")
                visible: ChatController.modelState === "loading"
                value: ChatController.loadProgress
                Layout.preferredWidth: 120
            }
            Button {
                objectName: "cancelLoadButton"
                Accessible.name: qsTr("Stop loading the model")
                text: qsTr("Cancel")
                visible: ChatController.modelState === "loading"
                onClicked: ChatController.cancelLoad()
            }
            // After the GPU stopped, or a load failed (perhaps for a setting since changed).
            Button {
                objectName: "loadAgainButton"
                Accessible.name: qsTr("Load the model again")
                text: qsTr("Reload")
                visible: ChatController.modelState === "lost" || ChatController.modelState === "failed"
                onClicked: ChatController.reloadModel()
            }
            Button {
                objectName: "openModelButton"
                Accessible.name: qsTr("Open a model file")
                text: qsTr("Open model…")
                enabled: !ChatController.busy && ChatController.modelState !== "loading"
                onClicked: modelDialog.open()
            }
            Label {
                text: qsTr("Reasoning")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }
            // This chat's effort: the settings' default for a new chat, the last one used for a
            // saved chat.
            ComboBox {
                id: effortSelector
                objectName: "effortSelector"
                Accessible.name: qsTr("Reasoning effort for this chat")
                readonly property var efforts: ["low", "medium", "high"]
                // The effort's name, as the model knows it ("low", "medium", "high").
                readonly property string effort: efforts[Math.max(0, currentIndex)]
                model: [qsTr("low"), qsTr("medium"), qsTr("high")]
                function reset() {
                    const effort = ChatController.conversationEffort.length > 0
                                 ? ChatController.conversationEffort : AppSettings.reasoningEffort
                    currentIndex = Math.max(0, efforts.indexOf(effort))
                }
                Component.onCompleted: reset()
                Connections {
                    target: ChatController
                    function onConversationChanged() { effortSelector.reset() }
                }
                Connections {
                    target: AppSettings
                    function onReasoningEffortChanged() {
                        if (ChatController.messages.rowCount() === 0)
                            effortSelector.reset()
                    }
                }
            }
            ToolButton {
                id: menuButton
                objectName: "mainMenuButton"
                Accessible.name: qsTr("Main menu")
                contentItem: Item {
                    implicitWidth: 20
                    implicitHeight: 20
                    KebabIcon {
                        anchors.centerIn: parent
                    }
                }
                onClicked: mainMenu.popup(menuButton, 0, menuButton.height)

                Menu {
                    id: mainMenu
                    MenuItem {
                        objectName: "settingsMenuItem"
                        text: qsTr("Settings…")
                        onTriggered: page.settingsRequested()
                    }
                }
            }
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                anchors.centerIn: parent
                visible: messageList.count === 0
                width: Math.min(parent.width - 2 * Theme.spacingHuge, Theme.contentMaxWidth)
                spacing: Theme.spacing

                Label {
                    Layout.fillWidth: true
                    text: qsTr("What's on your mind?")
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeHero
                    horizontalAlignment: Text.AlignHCenter
                }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Hearth runs gpt-oss entirely on this computer. Nothing you write leaves it.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSize
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                }
            }

            ListView {
                id: messageList
                objectName: "messageList"
                anchors.fill: parent
                anchors.leftMargin: Math.max(Theme.spacingLarge, (width - Theme.contentMaxWidth) / 2)
                anchors.rightMargin: anchors.leftMargin
                clip: true
                model: ChatController.messages
                spacing: Theme.spacing
                // Follow the answer as it grows, unless the user scrolled up to read.
                property bool following: true
                onMovementEnded: following = atYEnd
                onContentHeightChanged: if (following) positionViewAtEnd()
                delegate: MessageDelegate {
                    width: ListView.view.width
                    last: index === messageList.count - 1
                    busy: ChatController.busy
                    modelReady: ChatController.modelReady
                    onLinkActivated: link => linkDialog.ask(link)
                    onRegenerateRequested: page.regenerateLastAnswer()
                    onContinueRequested: {
                        messageList.following = true
                        ChatController.continueAnswer()
                    }
                    onEditRequested: (row, text) => {
                        messageList.following = true
                        ChatController.editMessage(row, text, effortSelector.effort)
                    }
                    onVersionRequested: (row, step) => ChatController.switchVersion(row, step)
                }
            }
        }

        Rectangle {
            id: noModelNotice
            objectName: "noModelNotice"
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentMaxWidth
            Layout.alignment: Qt.AlignHCenter
            Layout.leftMargin: Theme.spacingLarge
            Layout.rightMargin: Theme.spacingLarge
            implicitHeight: noticeText.implicitHeight + 2 * Theme.spacing
            visible: false
            radius: Theme.radius
            color: Theme.notice

            Label {
                id: noticeText
                anchors.fill: parent
                anchors.margins: Theme.spacing
                text: ChatController.modelState === "loading"
                      ? qsTr("The model is still loading. Your message is kept in the box below.")
                      : ChatController.modelState === "lost"
                      ? qsTr("Hearth cannot answer until the model is loaded again (%1). Press Reload; your message is kept in the box below.").arg(ChatController.modelError)
                      : qsTr("No model is loaded yet, so Hearth cannot answer. Open a model; your message is kept in the box below.")
                color: Theme.text
                wrapMode: Text.WordWrap
            }
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentMaxWidth
            Layout.alignment: Qt.AlignHCenter
            Layout.margins: Theme.spacingLarge
            busy: ChatController.busy
            onStopRequested: ChatController.stop()
            onSendRequested: text => {
                if (ChatController.send(text, effortSelector.effort)) {
                    noModelNotice.visible = false
                    messageList.following = true
                    composer.clear()
                } else if (!ChatController.modelReady) {
                    noModelNotice.visible = true
                }
            }
        }

        StatusLine {
            id: statusLine
            objectName: "statusLine"
            Layout.fillWidth: true
        }
    }
}
