#include "ConversationListModel.h"

#include <QTimeZone>
#include <QVariantMap>

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(shown_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Entry& e = shown_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case IdRole: return e.id;
    case TitleRole: return e.title;
    case UpdatedRole: return e.updated_ms;
    case PinnedRole: return e.pinned;
    case SectionRole: return section_for(e.updated_ms, e.pinned, QDateTime::currentDateTime());
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"},
            {TitleRole, "title"},
            {UpdatedRole, "updated"},
            {PinnedRole, "pinned"},
            {SectionRole, "section"}};
}

int ConversationListModel::rowOf(qint64 id) const {
    for (std::size_t row = 0; row < shown_.size(); ++row) {
        if (shown_[row].id == id) return static_cast<int>(row);
    }
    return -1;
}

QVariantMap ConversationListModel::get(int row) const {
    if (row < 0 || row >= rowCount()) return {};
    const QModelIndex at = index(row);
    return {{QStringLiteral("id"), data(at, IdRole)},
            {QStringLiteral("title"), data(at, TitleRole)},
            {QStringLiteral("updated"), data(at, UpdatedRole)},
            {QStringLiteral("pinned"), data(at, PinnedRole)},
            {QStringLiteral("section"), data(at, SectionRole)}};
}

void ConversationListModel::set_conversations(const QVariantList& conversations) {
    all_.clear();
    for (const QVariant& item : conversations) {
        const QVariantMap c = item.toMap();
        all_.push_back({.id = c.value(QStringLiteral("id")).toLongLong(),
                        .title = c.value(QStringLiteral("title")).toString(),
                        .updated_ms = c.value(QStringLiteral("updated")).toLongLong(),
                        .pinned = c.value(QStringLiteral("pinned")).toBool()});
    }
    rebuild();
}

void ConversationListModel::set_hidden(const QSet<qint64>& ids) {
    hidden_ = ids;
    rebuild();
}

QString ConversationListModel::title_of(qint64 id) const {
    for (const Entry& e : all_) {
        if (e.id == id) return e.title;
    }
    return {};
}

QString ConversationListModel::section_for(qint64 updated_ms, bool pinned, const QDateTime& now) {
    if (pinned) return tr("Pinned");
    const QDate today = now.date();
    const QDate day = QDateTime::fromMSecsSinceEpoch(updated_ms, now.timeZone()).date();
    if (day >= today) return tr("Today");
    if (day == today.addDays(-1)) return tr("Yesterday");
    if (day >= today.addDays(-7)) return tr("Previous 7 days");
    return tr("Older");
}

void ConversationListModel::rebuild() {
    const int before = rowCount();
    beginResetModel();
    shown_.clear();
    for (const Entry& e : all_) {
        if (!hidden_.contains(e.id)) shown_.push_back(e);
    }
    endResetModel();
    if (rowCount() != before) emit countChanged();
}
