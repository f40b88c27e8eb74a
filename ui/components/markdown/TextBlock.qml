import QtQuick
import Hearth

// A paragraph or heading: rich text made by the markdown parser (every source character already
// escaped), selectable, with links reported instead of followed.
TextEdit {
    id: textBlock

    // 1 to 6 for a heading, 0 for body text.
    property int level: 0
    property color textColor: Theme.text

    objectName: "markdownText"
    readOnly: true
    selectByMouse: true
    wrapMode: TextEdit.Wrap
    textFormat: TextEdit.RichText
    color: textColor
    selectionColor: Theme.selection
    font.pixelSize: level > 0 ? Theme.headingSize(level) : Theme.fontSize
    font.bold: level > 0

    HoverHandler {
        cursorShape: textBlock.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.IBeamCursor
    }
}
