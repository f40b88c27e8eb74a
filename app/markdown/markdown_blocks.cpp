#include "markdown_blocks.h"

#include <QByteArray>

#include <md4c.h>
#include <optional>

namespace hearth::markdown {
namespace {

QString from_utf8(const MD_CHAR* text, MD_SIZE size) {
    return QString::fromUtf8(text, static_cast<qsizetype>(size));
}

// An entity md4c recognised by its syntax, as the character it stands for; the source text when
// it names nothing known (Qt's rich text would show an unknown one unpredictably).
QString decode_entity(const QString& entity) {
    const QString body = entity.mid(1, entity.size() - 2);
    if (body.startsWith(QLatin1Char('#'))) {
        bool ok = false;
        const bool hex =
            body.size() > 1 && (body[1] == QLatin1Char('x') || body[1] == QLatin1Char('X'));
        const uint code = body.mid(hex ? 2 : 1).toUInt(&ok, hex ? 16 : 10);
        if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return QString(QChar::ReplacementCharacter);
        const char32_t point = code;
        return QString::fromUcs4(&point, 1);
    }
    static const std::pair<const char*, char16_t> named[] = {
        {"amp", u'&'},     {"lt", u'<'},    {"gt", u'>'},    {"quot", u'"'},  {"apos", u'\''},
        {"nbsp", u'\xa0'}, {"copy", u'©'},  {"reg", u'®'},   {"trade", u'™'}, {"hellip", u'…'},
        {"mdash", u'—'},   {"ndash", u'–'}, {"laquo", u'«'}, {"raquo", u'»'}, {"middot", u'·'},
        {"times", u'×'},   {"deg", u'°'},   {"euro", u'€'},  {"rarr", u'→'},  {"larr", u'←'},
    };
    for (const auto& [name, character] : named) {
        if (body == QLatin1String(name)) return QString(QChar(character));
    }
    return entity;
}

// An attribute (a link's address, a code block's language) with its entities decoded.
QString attribute_text(const MD_ATTRIBUTE& attribute) {
    QString text;
    for (unsigned i = 0; attribute.substr_offsets[i] < attribute.size; ++i) {
        const MD_OFFSET begin = attribute.substr_offsets[i];
        const MD_OFFSET end = attribute.substr_offsets[i + 1];
        const QString piece = from_utf8(attribute.text + begin, end - begin);
        switch (attribute.substr_types[i]) {
        case MD_TEXT_ENTITY: text += decode_entity(piece); break;
        case MD_TEXT_NULLCHAR: text += QChar::ReplacementCharacter; break;
        default: text += piece; break;
        }
    }
    return text;
}

struct List {
    bool ordered = false;
    unsigned next_number = 1;
};

// Turns md4c's nested enter/leave callbacks into the flat block list.
class BlockBuilder {
  public:
    std::vector<Block> blocks;

    int enter_block(MD_BLOCKTYPE type, void* detail) {
        switch (type) {
        case MD_BLOCK_DOC: break;
        case MD_BLOCK_QUOTE:
            flush();
            ++quote_;
            break;
        case MD_BLOCK_UL:
        case MD_BLOCK_OL: {
            flush();
            List list{.ordered = type == MD_BLOCK_OL};
            if (list.ordered) list.next_number = static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start;
            lists_.push_back(list);
            break;
        }
        case MD_BLOCK_LI: {
            flush();
            Block item = start(BlockType::list_item);
            item.marker = marker(*static_cast<MD_BLOCK_LI_DETAIL*>(detail));
            current_ = item;
            break;
        }
        case MD_BLOCK_HR:
            flush();
            blocks.push_back(start(BlockType::rule));
            break;
        case MD_BLOCK_H:
            flush();
            current_ = start(BlockType::heading);
            current_->level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
            break;
        case MD_BLOCK_CODE: {
            flush();
            current_ = start(BlockType::code);
            const auto* code = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
            if (code->lang.text != nullptr) current_->language = attribute_text(code->lang);
            break;
        }
        case MD_BLOCK_P:
        case MD_BLOCK_HTML:
            // A list item's first paragraph is the item's own text.
            if (current_ && current_->type == BlockType::list_item && current_->text.isEmpty())
                break;
            flush();
            current_ = start(BlockType::paragraph);
            break;
        case MD_BLOCK_TABLE:
            flush();
            current_ = start(BlockType::table);
            break;
        case MD_BLOCK_THEAD: in_header_ = true; break;
        case MD_BLOCK_TBODY: in_header_ = false; break;
        case MD_BLOCK_TR: row_.clear(); break;
        case MD_BLOCK_TH:
        case MD_BLOCK_TD:
            cell_.clear();
            in_cell_ = true;
            if (in_header_ && current_) {
                current_->align.append(alignment(static_cast<MD_BLOCK_TD_DETAIL*>(detail)->align));
            }
            break;
        }
        return 0;
    }

    int leave_block(MD_BLOCKTYPE type, void*) {
        switch (type) {
        case MD_BLOCK_QUOTE:
            flush();
            --quote_;
            break;
        case MD_BLOCK_UL:
        case MD_BLOCK_OL:
            flush();
            lists_.pop_back();
            break;
        case MD_BLOCK_TH:
        case MD_BLOCK_TD:
            row_.append(cell_.trimmed());
            in_cell_ = false;
            break;
        case MD_BLOCK_TR:
            if (current_ && in_header_)
                current_->header = row_;
            else if (current_)
                current_->rows.push_back(row_);
            break;
        case MD_BLOCK_THEAD:
        case MD_BLOCK_TBODY:
        case MD_BLOCK_DOC: break;
        default: flush(); break; // the end of a paragraph, heading, item, code block or table
        }
        return 0;
    }

    int enter_span(MD_SPANTYPE type, void* detail) {
        switch (type) {
        case MD_SPAN_EM: inline_text() += QLatin1String("<i>"); break;
        case MD_SPAN_STRONG: inline_text() += QLatin1String("<b>"); break;
        case MD_SPAN_DEL: inline_text() += QLatin1String("<s>"); break;
        case MD_SPAN_U: inline_text() += QLatin1String("<u>"); break;
        case MD_SPAN_CODE: inline_text() += QLatin1String("<code>"); break;
        case MD_SPAN_A: {
            const auto* link = static_cast<MD_SPAN_A_DETAIL*>(detail);
            inline_text() += QLatin1String("<a href=\"") + escape_html(attribute_text(link->href)) +
                             QLatin1String("\">");
            break;
        }
        // Only the alternative text is shown; the image's address is never read.
        case MD_SPAN_IMG: inline_text() += QLatin1String("[image: "); break;
        default: break;
        }
        return 0;
    }

    int leave_span(MD_SPANTYPE type, void*) {
        switch (type) {
        case MD_SPAN_EM: inline_text() += QLatin1String("</i>"); break;
        case MD_SPAN_STRONG: inline_text() += QLatin1String("</b>"); break;
        case MD_SPAN_DEL: inline_text() += QLatin1String("</s>"); break;
        case MD_SPAN_U: inline_text() += QLatin1String("</u>"); break;
        case MD_SPAN_CODE: inline_text() += QLatin1String("</code>"); break;
        case MD_SPAN_A: inline_text() += QLatin1String("</a>"); break;
        case MD_SPAN_IMG: inline_text() += QLatin1Char(']'); break;
        default: break;
        }
        return 0;
    }

    int text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
        if (current_ && current_->type == BlockType::code) {
            current_->code += type == MD_TEXT_NULLCHAR ? QString(QChar::ReplacementCharacter)
                                                       : from_utf8(text, size);
            return 0;
        }
        QString& target = inline_text();
        switch (type) {
        case MD_TEXT_BR: target += QLatin1String("<br>"); break;
        case MD_TEXT_SOFTBR: target += QLatin1Char(' '); break;
        case MD_TEXT_NULLCHAR: target += QChar::ReplacementCharacter; break;
        case MD_TEXT_ENTITY: target += escape_html(decode_entity(from_utf8(text, size))); break;
        default: target += escape_html(from_utf8(text, size)); break;
        }
        return 0;
    }

    void finish() { flush(); }

  private:
    static QString alignment(MD_ALIGN align) {
        switch (align) {
        case MD_ALIGN_LEFT: return QStringLiteral("left");
        case MD_ALIGN_CENTER: return QStringLiteral("center");
        case MD_ALIGN_RIGHT: return QStringLiteral("right");
        default: return {};
        }
    }

    QString marker(const MD_BLOCK_LI_DETAIL& item) {
        if (item.is_task) {
            return item.task_mark == ' ' ? QStringLiteral("☐") : QStringLiteral("☑");
        }
        if (lists_.empty()) return QStringLiteral("•");
        List& list = lists_.back();
        if (list.ordered) return QString::number(list.next_number++) + QLatin1Char('.');
        static const QString bullets[] = {QStringLiteral("•"), QStringLiteral("◦"),
                                          QStringLiteral("▪")};
        return bullets[(lists_.size() - 1) % 3];
    }

    Block start(BlockType type) const {
        Block block;
        block.type = type;
        block.indent = static_cast<int>(lists_.size());
        block.quote = quote_;
        return block;
    }

    // Where inline text goes: the table cell, the open block, or a new paragraph (text after a
    // nested list inside a list item).
    QString& inline_text() {
        if (in_cell_) return cell_;
        if (!current_) current_ = start(BlockType::paragraph);
        return current_->text;
    }

    void flush() {
        if (!current_) return;
        if (current_->type == BlockType::code && current_->code.endsWith(QLatin1Char('\n')))
            current_->code.chop(1);
        current_->text = current_->text.trimmed();
        blocks.push_back(std::move(*current_));
        current_.reset();
    }

    std::optional<Block> current_;
    std::vector<List> lists_;
    int quote_ = 0;
    bool in_header_ = false;
    bool in_cell_ = false;
    QString cell_;
    QStringList row_;
};

BlockBuilder& builder_of(void* userdata) { return *static_cast<BlockBuilder*>(userdata); }

} // namespace

QString escape_html(const QString& text) {
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&': escaped += QLatin1String("&amp;"); break;
        case u'<': escaped += QLatin1String("&lt;"); break;
        case u'>': escaped += QLatin1String("&gt;"); break;
        case u'"': escaped += QLatin1String("&quot;"); break;
        case u'\'': escaped += QLatin1String("&#39;"); break;
        default: escaped += c; break;
        }
    }
    return escaped;
}

std::vector<Block> parse(const QString& markdown) {
    const QByteArray utf8 = markdown.toUtf8();
    BlockBuilder builder;
    MD_PARSER parser{};
    // GitHub's tables, strikethrough, task lists and bare links; raw HTML is plain text.
    parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* userdata) {
        return builder_of(userdata).enter_block(type, detail);
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* userdata) {
        return builder_of(userdata).leave_block(type, detail);
    };
    parser.enter_span = [](MD_SPANTYPE type, void* detail, void* userdata) {
        return builder_of(userdata).enter_span(type, detail);
    };
    parser.leave_span = [](MD_SPANTYPE type, void* detail, void* userdata) {
        return builder_of(userdata).leave_span(type, detail);
    };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
        return builder_of(userdata).text(type, text, size);
    };
    md_parse(utf8.constData(), static_cast<MD_SIZE>(utf8.size()), &parser, &builder);
    builder.finish();
    return std::move(builder.blocks);
}

} // namespace hearth::markdown
