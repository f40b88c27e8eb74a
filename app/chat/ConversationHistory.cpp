#include "ConversationHistory.h"

#include "HistoryWorker.h"

ConversationHistory::ConversationHistory(QObject* parent)
    : QObject(parent), worker_(new HistoryWorker) {
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &HistoryWorker::opened, this, &ConversationHistory::opened);
    connect(worker_, &HistoryWorker::failed, this, &ConversationHistory::set_error);
    connect(worker_, &HistoryWorker::listed, this, [this](const QVariantList& list) {
        conversations_.set_conversations(list);
        // Renamed or deleted conversations show as such in the results too.
        if (!search_query_.isEmpty()) search(search_query_);
    });
    connect(worker_, &HistoryWorker::conversationOpened, this,
            &ConversationHistory::conversationOpened);
    connect(worker_, &HistoryWorker::searched, this,
            [this](const QString& query, const QVariantList& results) {
                if (query != search_query_) return; // an older query, answered late
                search_results_ = results;
                emit searchResultsChanged();
            });
    thread_.start();
}

ConversationHistory::~ConversationHistory() {
    // The user asked for these deletions; leaving does not undo them.
    for (qint64 id : std::as_const(pending_)) {
        QMetaObject::invokeMethod(
            worker_, [worker = worker_, id] { worker->remove(id); }, Qt::BlockingQueuedConnection);
    }
    thread_.quit();
    thread_.wait();
}

QVariantMap ConversationHistory::pendingDeletion() const {
    if (pending_.isEmpty()) return {};
    const qint64 id = pending_.back();
    return {{QStringLiteral("id"), id}, {QStringLiteral("title"), pending_titles_.value(id)}};
}

void ConversationHistory::open(const QString& path) {
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, path] { worker->open(path); }, Qt::QueuedConnection);
}

void ConversationHistory::refresh() {
    QMetaObject::invokeMethod(worker_, &HistoryWorker::list, Qt::QueuedConnection);
}

void ConversationHistory::load(qint64 id) {
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, id] { worker->openConversation(id); }, Qt::QueuedConnection);
}

void ConversationHistory::switch_branch(qint64 conversation, qint64 message, int step) {
    QMetaObject::invokeMethod(
        worker_,
        [worker = worker_, conversation, message, step] {
            worker->switchBranch(conversation, message, step);
        },
        Qt::QueuedConnection);
}

void ConversationHistory::set_error(const QString& message) {
    error_ = message;
    emit errorChanged();
}

void ConversationHistory::rename(qint64 id, const QString& title) {
    if (title.trimmed().isEmpty()) return;
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, id, title] { worker->rename(id, title); },
        Qt::QueuedConnection);
}

void ConversationHistory::setPinned(qint64 id, bool pinned) {
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, id, pinned] { worker->setPinned(id, pinned); },
        Qt::QueuedConnection);
}

void ConversationHistory::remove(qint64 id) {
    if (pending_.contains(id)) return;
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id] { delete_now(id); });
    timer->start(undo_ms_);
    pending_.append(id);
    pending_timers_.insert(id, timer);
    pending_titles_.insert(id, conversations_.title_of(id));
    update_hidden();
}

void ConversationHistory::undoRemove() {
    if (pending_.isEmpty()) return;
    const qint64 id = pending_.takeLast();
    delete pending_timers_.take(id);
    pending_titles_.remove(id);
    update_hidden();
}

void ConversationHistory::delete_now(qint64 id) {
    pending_.removeOne(id);
    if (QTimer* timer = pending_timers_.take(id)) timer->deleteLater();
    pending_titles_.remove(id);
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, id] { worker->remove(id); }, Qt::QueuedConnection);
    // Stays hidden until the worker lists the conversations without it.
    emit pendingDeletionChanged();
}

void ConversationHistory::update_hidden() {
    conversations_.set_hidden({pending_.begin(), pending_.end()});
    emit pendingDeletionChanged();
    emit searchResultsChanged();
}

QVariantList ConversationHistory::searchResults() const {
    QVariantList shown;
    for (const QVariant& result : search_results_) {
        const qint64 id = result.toMap().value(QStringLiteral("conversationId")).toLongLong();
        if (!pending_.contains(id)) shown.append(result);
    }
    return shown;
}

void ConversationHistory::search(const QString& query) {
    search_query_ = query.trimmed();
    if (search_query_.isEmpty()) {
        search_results_.clear();
        emit searchResultsChanged();
        return;
    }
    QMetaObject::invokeMethod(
        worker_, [worker = worker_, query = search_query_] { worker->search(query); },
        Qt::QueuedConnection);
}
