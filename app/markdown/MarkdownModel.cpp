#include "MarkdownModel.h"

#include <QVariantList>

#include <algorithm>

namespace {

QString type_name(hearth::markdown::BlockType type) {
    using hearth::markdown::BlockType;
    switch (type) {
    case BlockType::paragraph: return QStringLiteral("paragraph");
    case BlockType::heading: return QStringLiteral("heading");
    case BlockType::list_item: return QStringLiteral("listItem");
    case BlockType::code: return QStringLiteral("code");
    case BlockType::table: return QStringLiteral("table");
    case BlockType::rule: return QStringLiteral("rule");
    }
    return {};
}

} // namespace

int MarkdownModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(blocks_.size());
}

QVariant MarkdownModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto& b = blocks_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case TypeRole: return type_name(b.type);
    case TextRole: return b.text;
    case LevelRole: return b.level;
    case IndentRole: return b.indent;
    case QuoteRole: return b.quote;
    case MarkerRole: return b.marker;
    case LanguageRole: return b.language;
    case CodeRole: return b.code;
    case HeaderRole: return b.header;
    case RowsRole: {
        QVariantList rows;
        for (const QStringList& row : b.rows)
            rows.append(row);
        return rows;
    }
    case AlignRole: return b.align;
    default: return {};
    }
}

QHash<int, QByteArray> MarkdownModel::roleNames() const {
    return {{TypeRole, "type"},         {TextRole, "text"},   {LevelRole, "level"},
            {IndentRole, "indent"},     {QuoteRole, "quote"}, {MarkerRole, "marker"},
            {LanguageRole, "language"}, {CodeRole, "code"},   {HeaderRole, "header"},
            {RowsRole, "rows"},         {AlignRole, "align"}};
}

void MarkdownModel::setMarkdown(const QString& markdown) {
    if (markdown == markdown_) return;
    markdown_ = markdown;
    std::vector<hearth::markdown::Block> blocks = hearth::markdown::parse(markdown);

    const std::size_t kept = std::min(blocks.size(), blocks_.size());
    std::size_t first_changed = 0;
    while (first_changed < kept && blocks[first_changed] == blocks_[first_changed])
        ++first_changed;
    if (blocks.size() < blocks_.size()) {
        beginRemoveRows({}, static_cast<int>(blocks.size()), static_cast<int>(blocks_.size()) - 1);
        blocks_.resize(blocks.size());
        endRemoveRows();
    }
    for (std::size_t i = first_changed; i < kept; ++i)
        blocks_[i] = blocks[i];
    if (first_changed < kept) {
        emit dataChanged(index(static_cast<int>(first_changed)), index(static_cast<int>(kept) - 1));
    }
    if (blocks.size() > blocks_.size()) {
        beginInsertRows({}, static_cast<int>(blocks_.size()), static_cast<int>(blocks.size()) - 1);
        blocks_.insert(blocks_.end(), std::make_move_iterator(blocks.begin() + kept),
                       std::make_move_iterator(blocks.end()));
        endInsertRows();
    }
    emit markdownChanged();
}
