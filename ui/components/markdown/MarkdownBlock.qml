import QtQuick
import Hearth

// Chooses the component that draws one markdown block and places it: indented for the lists it
// sits in, with a bar for each block quote around it.
Item {
    id: block

    required property string type
    required property string text
    required property int level
    required property int indent
    required property int quote
    required property string marker
    required property string language
    required property string code
    required property var header
    required property var rows
    required property var align

    signal linkActivated(string link)

    // A list item draws its own marker in the first indent step.
    readonly property real inset: quote * Theme.quoteInset
                                  + Math.max(0, indent - (type === "listItem" ? 1 : 0)) * Theme.listIndent

    implicitHeight: loader.implicitHeight

    Repeater {
        model: block.quote
        Rectangle {
            required property int index
            x: index * Theme.quoteInset
            width: 3
            height: block.height
            radius: 1
            color: Theme.border
        }
    }

    Loader {
        id: loader
        x: block.inset
        width: block.width - block.inset
        sourceComponent: block.type === "heading" ? heading
                       : block.type === "listItem" ? listItem
                       : block.type === "code" ? codeBlock
                       : block.type === "table" ? table
                       : block.type === "rule" ? rule
                       : paragraph
    }

    Component {
        id: paragraph
        TextBlock {
            text: block.text
            textColor: block.quote > 0 ? Theme.textMuted : Theme.text
            onLinkActivated: link => block.linkActivated(link)
        }
    }
    Component {
        id: heading
        TextBlock {
            text: block.text
            level: block.level
            onLinkActivated: link => block.linkActivated(link)
        }
    }
    Component {
        id: listItem
        ListItemBlock {
            text: block.text
            marker: block.marker
            onLinkActivated: link => block.linkActivated(link)
        }
    }
    Component {
        id: codeBlock
        CodeBlock {
            language: block.language
            code: block.code
        }
    }
    Component {
        id: table
        TableBlock {
            header: block.header
            rows: block.rows
            align: block.align
            onLinkActivated: link => block.linkActivated(link)
        }
    }
    Component {
        id: rule
        Item {
            implicitHeight: Theme.spacingLarge
            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width
                height: 1
                color: Theme.border
            }
        }
    }
}
