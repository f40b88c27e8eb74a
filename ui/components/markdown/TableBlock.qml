import QtQuick
import QtQuick.Layouts
import Hearth

// A table: the header row in bold, the body below, each column aligned as the markdown asks.
Item {
    id: tableBlock

    property var header: []
    property var rows: []
    property var align: []

    signal linkActivated(string link)

    readonly property int columns: header.length

    implicitHeight: grid.implicitHeight
    implicitWidth: grid.implicitWidth

    GridLayout {
        id: grid
        objectName: "markdownTable"
        width: Math.min(implicitWidth, tableBlock.width)
        columns: Math.max(1, tableBlock.columns)
        columnSpacing: 0
        rowSpacing: 0

        Repeater {
            model: tableBlock.header.concat([].concat(...tableBlock.rows))
            Rectangle {
                id: cell
                required property string modelData
                required property int index
                readonly property bool inHeader: index < tableBlock.columns
                readonly property string alignment: tableBlock.align[index % tableBlock.columns] || ""
                Layout.fillWidth: true
                implicitWidth: Math.min(cellText.implicitWidth, 320)
                implicitHeight: cellText.implicitHeight
                color: inHeader ? Theme.codeBackground : "transparent"
                border.color: Theme.border

                Text {
                    id: cellText
                    objectName: "tableCell"
                    width: parent.width
                    padding: Theme.spacing
                    text: cell.modelData
                    textFormat: Text.RichText
                    wrapMode: Text.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.bold: cell.inHeader
                    horizontalAlignment: cell.alignment === "right" ? Text.AlignRight
                                       : cell.alignment === "center" ? Text.AlignHCenter
                                       : Text.AlignLeft
                    onLinkActivated: link => tableBlock.linkActivated(link)
                }
            }
        }
    }
}
