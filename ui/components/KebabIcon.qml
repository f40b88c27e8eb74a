import QtQuick
import Hearth

// Three vertical dots: the "more" menu glyph, drawn so it needs no icon font or image plugin.
Column {
    property color color: Theme.text

    spacing: 3
    Repeater {
        model: 3
        Rectangle {
            width: 4
            height: 4
            radius: 2
            color: parent.color
        }
    }
}
