import QtQuick
import Hearth

// One list item: its marker ("•", "2.", "☐") and its first paragraph.
Item {
    id: item

    property alias text: body.text
    property alias marker: markerLabel.text

    signal linkActivated(string link)

    implicitHeight: Math.max(markerLabel.implicitHeight, body.implicitHeight)

    Text {
        id: markerLabel
        width: Theme.listIndent - Theme.spacingSmall
        horizontalAlignment: Text.AlignRight
        color: Theme.textMuted
        font.pixelSize: Theme.fontSize
    }
    TextBlock {
        id: body
        x: Theme.listIndent + Theme.spacingSmall
        width: item.width - x
        onLinkActivated: link => item.linkActivated(link)
    }
}
