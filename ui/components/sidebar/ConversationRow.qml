import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Chat

// One saved conversation in the sidebar: click opens it; double-click or the menu's Rename edits
// the title in place (Enter keeps, Escape cancels); the menu also pins and deletes.
ItemDelegate {
    id: row

    required property var conversationId
    required property string title
    required property bool pinned

    property bool editing: false
    property alias renameField: editor
    property alias menu: menu

    function startRename() {
        editor.text = row.title
        row.editing = true
        editor.forceActiveFocus()
        editor.selectAll()
    }

    function finishRename(keep) {
        if (!row.editing)
            return
        row.editing = false
        const title = editor.text.trim()
        if (keep && title.length > 0 && title !== row.title)
            ChatController.history.rename(row.conversationId, title)
    }

    objectName: "conversationRow"
    highlighted: conversationId === ChatController.conversationId
    text: title.length > 0 ? title : qsTr("Untitled")
    Accessible.name: pinned ? qsTr("%1, pinned").arg(text) : text
    rightPadding: menuButton.width + Theme.spacingSmall

    background: Rectangle {
        radius: Theme.radius / 2
        color: row.highlighted || row.hovered ? Theme.surface : "transparent"
        border.color: row.highlighted ? Theme.border : "transparent"
    }

    contentItem: Item {
        implicitHeight: Math.max(titleLabel.implicitHeight, editor.implicitHeight)

        Label {
            id: titleLabel
            anchors.fill: parent
            visible: !row.editing
            text: row.text
            color: Theme.text
            elide: Text.ElideRight
            verticalAlignment: Text.AlignVCenter
            font.pixelSize: Theme.fontSize
        }
        TextField {
            id: editor
            objectName: "renameField"
            anchors.fill: parent
            visible: row.editing
            Accessible.name: qsTr("New title")
            font.pixelSize: Theme.fontSize
            onAccepted: row.finishRename(true)
            onActiveFocusChanged: if (!activeFocus) row.finishRename(true)
            Keys.onEscapePressed: row.finishRename(false)
        }
    }

    ToolButton {
        id: menuButton
        objectName: "conversationMenuButton"
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        visible: !row.editing
        Accessible.name: qsTr("Actions for %1").arg(row.text)
        contentItem: Item {
            implicitWidth: 16
            implicitHeight: 16
            KebabIcon {
                anchors.centerIn: parent
                color: Theme.textMuted
            }
        }
        onClicked: menu.popup(menuButton, 0, menuButton.height)
    }

    onClicked: ChatController.openConversation(row.conversationId)
    onDoubleClicked: row.startRename()

    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: menu.popup()
    }

    Menu {
        id: menu
        MenuItem {
            objectName: "renameMenuItem"
            text: qsTr("Rename")
            onTriggered: row.startRename()
        }
        MenuItem {
            objectName: "pinMenuItem"
            text: row.pinned ? qsTr("Unpin") : qsTr("Pin")
            onTriggered: ChatController.history.setPinned(row.conversationId, !row.pinned)
        }
        MenuItem {
            objectName: "deleteMenuItem"
            text: qsTr("Delete")
            onTriggered: ChatController.deleteConversation(row.conversationId)
        }
    }
}
