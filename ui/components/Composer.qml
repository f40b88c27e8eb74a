import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Where the user writes. Enter sends, Shift+Enter starts a new line. The text is only cleared by
// whoever handles sendRequested, so nothing typed is lost when it cannot be sent.
Rectangle {
    id: composer

    property alias text: input.text
    property alias input: input
    // While an answer is being written the button stops it instead of sending.
    property bool busy: false

    signal sendRequested(string text)
    signal stopRequested()

    function submit() {
        const message = input.text.trim()
        if (message.length > 0)
            composer.sendRequested(message)
    }

    function clear() {
        input.clear()
    }

    implicitHeight: Math.min(layout.implicitHeight, 240) + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surface
    border.color: input.activeFocus ? Theme.accent : Theme.border

    RowLayout {
        id: layout
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: sendButton.implicitHeight

            TextArea {
                id: input
                objectName: "composerInput"
                Accessible.name: qsTr("Message")
                placeholderText: qsTr("Message gpt-oss…")
                wrapMode: TextArea.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                background: null
                focus: true

                Keys.onPressed: event => {
                    const isEnter = event.key === Qt.Key_Return || event.key === Qt.Key_Enter
                    if (isEnter && !(event.modifiers & Qt.ShiftModifier)) {
                        event.accepted = true
                        if (!composer.busy)
                            composer.submit()
                    }
                }
            }
        }

        Button {
            id: sendButton
            objectName: "sendButton"
            Layout.alignment: Qt.AlignBottom
            text: composer.busy ? qsTr("Stop") : qsTr("Send")
            Accessible.name: composer.busy ? qsTr("Stop the answer") : qsTr("Send the message")
            enabled: composer.busy || input.text.trim().length > 0
            highlighted: true
            onClicked: composer.busy ? composer.stopRequested() : composer.submit()
        }
    }
}
