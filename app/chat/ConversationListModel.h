// The sidebar's conversations, grouped for ListView sections: pinned ones first, then Today,
// Yesterday, Previous 7 days and Older by their last change. Conversations waiting to be deleted
// (the few seconds their Undo is offered) are left out.
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QSet>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <vector>

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ConversationHistory")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

  public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        UpdatedRole, // milliseconds since the epoch
        PinnedRole,
        SectionRole, // "Pinned", "Today", "Yesterday", "Previous 7 days" or "Older"
    };

    struct Entry {
        qint64 id = 0;
        QString title;
        qint64 updated_ms = 0;
        bool pinned = false;
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The row showing conversation `id`, -1 when none does.
    Q_INVOKABLE int rowOf(qint64 id) const;
    // {id, title, updated, pinned, section} of a row, for QML and tests.
    Q_INVOKABLE QVariantMap get(int row) const;

    // [{id, title, updated, pinned}] as HistoryWorker lists them (pinned first, newest first).
    void set_conversations(const QVariantList& conversations);
    void set_hidden(const QSet<qint64>& ids);
    QString title_of(qint64 id) const;

    // The section of a conversation last changed at `updated_ms`, seen at `now` (local time).
    static QString section_for(qint64 updated_ms, bool pinned, const QDateTime& now);

  signals:
    void countChanged();

  private:
    void rebuild();

    std::vector<Entry> all_;
    QSet<qint64> hidden_;
    std::vector<Entry> shown_;
};
