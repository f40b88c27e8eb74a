import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth
import Hearth.Settings

// The chat: a header with the main menu, the conversation (empty for now) and the composer.
Item {
    id: page

    property alias composer: composer
    property alias mainMenu: mainMenu
    property alias noModelNotice: noModelNotice

    signal settingsRequested()

    function startNewConversation() {
        composer.clear()
        noModelNotice.visible = false
        composer.input.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            Layout.leftMargin: Theme.spacingLarge

            Label {
                Layout.fillWidth: true
                text: qsTr("New conversation")
                color: Theme.text
                font.pixelSize: Theme.fontSize
                font.bold: true
                elide: Text.ElideRight
            }
            Label {
                objectName: "effortBadge"
                text: qsTr("Reasoning: %1").arg(AppSettings.reasoningEffort)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
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
                text: qsTr("No model is loaded yet, so Hearth cannot answer. Your message is kept in the box below.")
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
            onSendRequested: noModelNotice.visible = true
        }
    }
}
