// A message's markdown as blocks for a QML Repeater: set `markdown`, one row per block.
//
// While an answer streams in, `markdown` is set again with every token. Only the rows whose block
// changed are updated (usually the last one) and rows are added or removed at the end, so the
// delegates above the growing block stay as they are.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <vector>

#include "markdown_blocks.h"

class MarkdownModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString markdown READ markdown WRITE setMarkdown NOTIFY markdownChanged)

  public:
    enum Role {
        TypeRole = Qt::UserRole + 1, // "paragraph", "heading", "listItem", "code", "table", "rule"
        TextRole,                    // rich text (paragraph, heading, list item)
        LevelRole,
        IndentRole,
        QuoteRole,
        MarkerRole,
        LanguageRole,
        CodeRole,
        HeaderRole, // table header cells: [rich text]
        RowsRole,   // table body: [[rich text]]
        AlignRole,  // per column: "left", "center", "right" or ""
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString markdown() const { return markdown_; }
    void setMarkdown(const QString& markdown);

  signals:
    void markdownChanged();

  private:
    QString markdown_;
    std::vector<hearth::markdown::Block> blocks_;
};
