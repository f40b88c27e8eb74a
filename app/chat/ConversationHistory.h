// The saved conversations behind the sidebar: the list, renaming, pinning, deleting with a few
// seconds to undo, and full-text search. The database work runs on HistoryWorker's thread; this
// object lives on the GUI thread and holds what the sidebar binds to.
//
// Deleting first hides the conversation and offers Undo (pendingDeletion); it is removed from the
// database only when undoMilliseconds pass without an Undo, or when the history is destroyed.
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "ConversationListModel.h"

class HistoryWorker;

class ConversationHistory : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    // Why conversations cannot be listed or saved (empty when they can).
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    // The latest deletion still waiting for its Undo: {id, title}; empty when none.
    Q_PROPERTY(QVariantMap pendingDeletion READ pendingDeletion NOTIFY pendingDeletionChanged)
    Q_PROPERTY(int undoMilliseconds MEMBER undo_ms_ NOTIFY undoMillisecondsChanged)
    // The results for searchQuery: [{conversationId, title, snippet}], the snippet as rich text.
    Q_PROPERTY(QVariantList searchResults READ searchResults NOTIFY searchResultsChanged)
    Q_PROPERTY(QString searchQuery READ searchQuery NOTIFY searchResultsChanged)

  public:
    explicit ConversationHistory(QObject* parent = nullptr);
    ~ConversationHistory() override;

    ConversationListModel* conversations() { return &conversations_; }
    QString error() const { return error_; }
    QVariantMap pendingDeletion() const;
    // The results, less conversations waiting to be deleted.
    QVariantList searchResults() const;
    QString searchQuery() const { return search_query_; }

    // Opens the database file; `opened` follows once it is ready.
    void open(const QString& path);
    // Lists the conversations again (another connection recorded an answer).
    void refresh();
    // Reads conversation `id`; conversationOpened follows.
    void load(qint64 id);
    // Shows another version of `message` (see HistoryWorker::switchBranch).
    void switch_branch(qint64 conversation, qint64 message, int step);
    void set_error(const QString& message);

    Q_INVOKABLE void rename(qint64 id, const QString& title);
    Q_INVOKABLE void setPinned(qint64 id, bool pinned);
    // Hides the conversation and offers Undo; see the class comment.
    void remove(qint64 id);
    // Brings back the latest conversation waiting to be deleted.
    Q_INVOKABLE void undoRemove();
    // Searches titles, answers and reasoning; a blank query clears the results.
    Q_INVOKABLE void search(const QString& query);

  signals:
    void opened();
    void errorChanged();
    void pendingDeletionChanged();
    void undoMillisecondsChanged();
    void searchResultsChanged();
    void conversationOpened(qint64 id, const QVariantList& messages);

  private:
    void delete_now(qint64 id);
    void update_hidden();

    ConversationListModel conversations_;
    QThread thread_;
    HistoryWorker* worker_;
    QString error_;
    // Conversations waiting to be deleted, each with its timer; the newest last.
    QList<qint64> pending_;
    QHash<qint64, QTimer*> pending_timers_;
    QHash<qint64, QString> pending_titles_;
    int undo_ms_ = 5000;
    QString search_query_;
    QVariantList search_results_;
};
