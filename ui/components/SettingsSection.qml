import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// A heading between groups of settings.
Label {
    Layout.fillWidth: true
    Layout.topMargin: Theme.spacing
    font.bold: true
    font.pixelSize: Theme.fontSizeTitle
    color: Theme.text
}
