// Markdown (GitHub's dialect, parsed by md4c) as a flat list of blocks the chat view draws one by
// one: paragraphs, headings, list items, code blocks, tables and rules.
//
// Inline formatting (emphasis, strong, strikethrough, inline code, links) becomes a small subset
// of HTML (<b>, <i>, <s>, <code>, <a href>, <br>) for a rich-text item; every piece of source text
// is HTML-escaped, so raw HTML in the source (<script>, <img>) shows as the characters typed.
// Images are never loaded: an image becomes the text "[image: alt]". Code blocks keep their text
// verbatim and unescaped (it is shown as plain text and copied to the clipboard as is).
//
// Nesting is flattened: `indent` is the list depth a block sits in, `quote` the block-quote depth.
// A list item's first paragraph is the item's text; its later paragraphs follow as paragraphs at
// the item's indent.
//
// Text still streaming in parses as far as it goes: a code fence not closed yet is a code block
// running to the end of the text.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace hearth::markdown {

enum class BlockType { paragraph, heading, list_item, code, table, rule };

struct Block {
    BlockType type = BlockType::paragraph;
    QString text{};       // rich text: paragraph, heading, list item
    int level = 0;        // heading level, 1 to 6
    int indent = 0;       // how many lists the block is inside
    int quote = 0;        // how many block quotes the block is inside
    QString marker{};     // a list item's "•", "◦", "▪", "3." or task box "☐" / "☑"
    QString language{};   // a code block's info string's first word ("" when none)
    QString code{};       // a code block's text, verbatim, without the final newline
    QStringList header{}; // a table's header cells, rich text
    std::vector<QStringList> rows{}; // a table's body rows, rich text cells
    QStringList align{};             // per table column: "left", "center", "right" or ""

    bool operator==(const Block&) const = default;
};

std::vector<Block> parse(const QString& markdown);

// `text` with &, <, >, " and ' replaced by entities.
QString escape_html(const QString& text);

} // namespace hearth::markdown
