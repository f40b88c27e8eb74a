// Runs on the history thread: the sidebar's reads and edits of the conversation store (list,
// open, rename, pin, delete, search), so the GUI thread never waits on the database and the
// sidebar stays usable while an answer is being written on the inference thread.
//
// It has its own connection to the database; the inference thread records answers through
// another (SQLite's WAL mode lets both work at once).
#pragma once

#include <QObject>
#include <QString>
#include <QVariantList>

#include <optional>

#include "conversation_store.h"

class HistoryWorker : public QObject {
    Q_OBJECT

  public:
    using QObject::QObject;

    // All run on the history thread (invoked through queued calls).
    void open(const QString& path);
    // Publishes the list again (after another connection changed it).
    void list();
    void openConversation(qint64 id);
    // Shows the version `step` places from `message` among its siblings (-1: the previous one),
    // with the newest branch below it; conversationOpened follows.
    void switchBranch(qint64 conversation, qint64 message, int step);
    void rename(qint64 id, const QString& title);
    void setPinned(qint64 id, bool pinned);
    void remove(qint64 id);
    void search(const QString& query);

  signals:
    void opened();
    void failed(const QString& message);
    // [{id, title, updated, pinned}] pinned first, then newest first.
    void listed(const QVariantList& conversations);
    // The conversation's visible branch, as branch_rows() describes it.
    void conversationOpened(qint64 id, const QVariantList& messages);
    // [{conversationId, title, snippet}], the best match per conversation, best first. The
    // snippet is rich text: escaped, with the matched words in <b>.
    void searched(const QString& query, const QVariantList& results);

  private:
    bool check(const hearth::Result<void>& result);

    std::optional<hearth::store::ConversationStore> store_;
};
