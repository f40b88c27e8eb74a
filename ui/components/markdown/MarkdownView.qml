import QtQuick
import Hearth
import Hearth.Markdown

// Markdown drawn block by block (the blocks come from C++, see MarkdownModel). Links are never
// followed here: a click is reported through linkActivated for the page to confirm.
Column {
    id: view

    property alias markdown: blocks.markdown
    property alias blockCount: repeater.count

    signal linkActivated(string link)

    spacing: Theme.spacing

    Repeater {
        id: repeater
        model: MarkdownModel {
            id: blocks
        }
        delegate: MarkdownBlock {
            width: view.width
            onLinkActivated: link => view.linkActivated(link)
        }
    }
}
