import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Desktop

// One message: the user's words in a bubble on the right; the model's reasoning, answer and the
// tool it called; or what a tool call was answered with.
Item {
    id: delegate

    required property string author
    required property string answer
    required property string reasoning
    required property string status
    required property string effort
    required property real thinkingSeconds
    required property int reasoningTokens
    required property string error
    required property int index
    required property int siblingIndex
    required property int siblingCount
    // The tool an answer called, or the one a tool message answers for; empty for none.
    required property string toolName
    required property string toolArguments
    // Stopped before its end: the model can go on writing it (MessageListModel::can_continue).
    required property bool canContinue
    // The newest message of the conversation (only it can be regenerated or continued).
    property bool last: false
    // An answer is being written: nothing can be edited, regenerated or switched.
    property bool busy: false
    // A model is loaded to answer with (regenerate, continue, send an edit).
    property bool modelReady: true
    property bool editing: false

    readonly property bool fromUser: author === "user"
    readonly property bool fromTool: author === "tool"
    readonly property bool fromModel: author === "assistant"

    // A link in the answer was clicked; the page asks before anything opens it.
    signal linkActivated(string link)
    signal regenerateRequested()
    signal continueRequested()
    // The question in this row rewritten as `text` (a new version of it).
    signal editRequested(int row, string text)
    // The previous (step -1) or next (+1) version of this message.
    signal versionRequested(int row, int step)

    implicitHeight: column.implicitHeight + Theme.spacingLarge

    ColumnLayout {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: Theme.spacing

        Rectangle {
            visible: delegate.fromUser && !delegate.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: delegate.width * 0.8
            implicitWidth: userText.implicitWidth + 2 * Theme.spacingLarge
            implicitHeight: userText.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border

            TextEdit {
                id: userText
                anchors.fill: parent
                anchors.leftMargin: Theme.spacingLarge
                anchors.rightMargin: Theme.spacingLarge
                anchors.topMargin: Theme.spacing
                text: delegate.answer
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                textFormat: TextEdit.PlainText
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
        }

        Rectangle {
            objectName: "messageEditor"
            visible: delegate.editing
            Layout.fillWidth: true
            implicitHeight: editorColumn.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.accent

            ColumnLayout {
                id: editorColumn
                anchors.fill: parent
                anchors.margins: Theme.spacing

                TextArea {
                    id: editField
                    objectName: "editField"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Edit your message")
                    wrapMode: TextArea.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    background: null
                }
                RowLayout {
                    Layout.alignment: Qt.AlignRight
                    Label {
                        objectName: "editWaitsNote"
                        visible: !delegate.modelReady
                        text: qsTr("Sending waits for a loaded model")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                    Button {
                        objectName: "cancelEditButton"
                        text: qsTr("Cancel")
                        onClicked: delegate.editing = false
                    }
                    Button {
                        objectName: "sendEditButton"
                        text: qsTr("Send")
                        Accessible.name: qsTr("Send the edited message")
                        highlighted: true
                        // Sending answers the edit: without a model the text waits in the field.
                        enabled: !delegate.busy && delegate.modelReady
                                 && editField.text.trim().length > 0
                        onClicked: {
                            delegate.editing = false
                            delegate.editRequested(delegate.index, editField.text.trim())
                        }
                    }
                }
            }
        }

        ReasoningBlock {
            objectName: "reasoningBlock"
            visible: delegate.fromModel && delegate.reasoning.length > 0
            Layout.fillWidth: true
            text: delegate.reasoning
            thinking: delegate.status === "streaming" && delegate.answer.length === 0
            seconds: delegate.thinkingSeconds
            tokens: delegate.reasoningTokens
            view: delegate.ListView.view
        }

        MarkdownView {
            objectName: "answerView"
            visible: delegate.fromModel
            Layout.fillWidth: true
            markdown: delegate.fromModel ? delegate.answer : ""
            onLinkActivated: link => delegate.linkActivated(link)
        }

        ToolCallBlock {
            visible: delegate.fromModel && delegate.toolName.length > 0
            Layout.fillWidth: true
            tool: delegate.toolName
            callArguments: delegate.toolArguments
        }

        ToolResultBlock {
            visible: delegate.fromTool
            Layout.fillWidth: true
            tool: delegate.toolName
            result: delegate.fromTool ? delegate.answer : ""
        }

        ErrorBlock {
            objectName: "errorBlock"
            visible: delegate.fromModel && delegate.status === "failed"
            Layout.fillWidth: true
            message: delegate.error
        }

        RowLayout {
            visible: !delegate.fromTool
            Layout.fillWidth: true
            spacing: Theme.spacing

            Rectangle {
                objectName: "effortBadge"
                visible: !delegate.fromUser && delegate.effort.length > 0
                implicitWidth: effortLabel.implicitWidth + 2 * Theme.spacing
                implicitHeight: effortLabel.implicitHeight + Theme.spacingSmall
                radius: height / 2
                color: Theme.codeBackground
                border.color: Theme.border

                Label {
                    id: effortLabel
                    anchors.centerIn: parent
                    text: delegate.effort === "low" ? qsTr("low reasoning")
                        : delegate.effort === "high" ? qsTr("high reasoning")
                        : qsTr("medium reasoning")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }
            Label {
                objectName: "statusNote"
                visible: !delegate.fromUser && delegate.status !== "complete"
                         && delegate.status !== "streaming" && delegate.status !== "failed"
                text: delegate.status === "cancelled" ? qsTr("Stopped")
                    : delegate.status === "length" ? qsTr("Cut off at the length limit")
                    : delegate.status === "interrupted"
                      ? (delegate.error.length > 0 ? qsTr("Interrupted: %1").arg(delegate.error)
                                                   : qsTr("Interrupted when Hearth closed"))
                    : delegate.status === "toolLimit" ? qsTr("Stopped: the model kept calling tools")
                    : delegate.status
                color: Theme.accent
                font.pixelSize: Theme.fontSizeSmall
            }
            Item {
                Layout.fillWidth: true
            }
            // Versions of this message (edits of a question, regenerated answers).
            ToolButton {
                objectName: "previousVersionButton"
                visible: delegate.siblingCount > 1
                enabled: !delegate.busy && delegate.siblingIndex > 0
                text: "‹"
                Accessible.name: qsTr("Previous version")
                onClicked: delegate.versionRequested(delegate.index, -1)
            }
            Label {
                objectName: "versionLabel"
                visible: delegate.siblingCount > 1
                text: qsTr("%1 / %2").arg(delegate.siblingIndex + 1).arg(delegate.siblingCount)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }
            ToolButton {
                objectName: "nextVersionButton"
                visible: delegate.siblingCount > 1
                enabled: !delegate.busy && delegate.siblingIndex < delegate.siblingCount - 1
                text: "›"
                Accessible.name: qsTr("Next version")
                onClicked: delegate.versionRequested(delegate.index, 1)
            }
            ToolButton {
                objectName: "editMessageButton"
                visible: delegate.fromUser && !delegate.editing
                enabled: !delegate.busy
                text: qsTr("Edit")
                font.pixelSize: Theme.fontSizeSmall
                Accessible.name: qsTr("Edit your message")
                onClicked: {
                    editField.text = delegate.answer
                    delegate.editing = true
                    editField.forceActiveFocus()
                }
            }
            ToolButton {
                objectName: "continueButton"
                visible: delegate.fromModel && delegate.last && delegate.canContinue
                enabled: !delegate.busy && delegate.modelReady
                text: qsTr("Continue")
                font.pixelSize: Theme.fontSizeSmall
                Accessible.name: qsTr("Continue the answer")
                onClicked: delegate.continueRequested()
            }
            ToolButton {
                objectName: "regenerateButton"
                visible: !delegate.fromUser && delegate.last && delegate.status !== "streaming"
                enabled: !delegate.busy && delegate.modelReady
                text: qsTr("Regenerate")
                font.pixelSize: Theme.fontSizeSmall
                Accessible.name: qsTr("Write the answer again")
                onClicked: delegate.regenerateRequested()
            }
            ToolButton {
                id: copyButton
                objectName: "copyMessageButton"
                property bool copied: false
                visible: delegate.answer.length > 0
                text: copied ? qsTr("Copied") : qsTr("Copy")
                font.pixelSize: Theme.fontSizeSmall
                Accessible.name: delegate.fromUser ? qsTr("Copy your message") : qsTr("Copy the answer")
                onClicked: {
                    Clipboard.copy(delegate.answer)
                    copied = true
                    copiedTimer.restart()
                }
                Timer {
                    id: copiedTimer
                    interval: 1500
                    onTriggered: copyButton.copied = false
                }
            }
        }
    }
}
