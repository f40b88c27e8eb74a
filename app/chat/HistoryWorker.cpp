#include "HistoryWorker.h"

#include <QSet>
#include <QVariantMap>

#include "search.h"

namespace {

QString to_qstring(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// Marks the store puts around matched words; control characters no answer contains, so they
// survive HTML escaping and are then replaced by the bold tags.
constexpr char match_start = '\x0e';
constexpr char match_end = '\x0f';

QString snippet_html(const std::string& snippet) {
    return to_qstring(snippet)
        .toHtmlEscaped()
        .replace(QLatin1Char(match_start), QLatin1String("<b>"))
        .replace(QLatin1Char(match_end), QLatin1String("</b>"));
}

constexpr std::int64_t sidebar_limit = 500;
constexpr std::int64_t search_limit = 60;

} // namespace

void HistoryWorker::open(const QString& path) {
    auto store = hearth::store::ConversationStore::open(path.toStdString());
    if (!store) {
        emit failed(QString::fromStdString(store.error().message));
        return;
    }
    store_.emplace(std::move(*store));
    emit opened();
    list();
}

bool HistoryWorker::check(const hearth::Result<void>& result) {
    if (!result) emit failed(QString::fromStdString(result.error().message));
    return result.has_value();
}

void HistoryWorker::list() {
    if (!store_) return;
    auto conversations = store_->list_conversations({.limit = sidebar_limit});
    if (!conversations) {
        emit failed(QString::fromStdString(conversations.error().message));
        return;
    }
    QVariantList list;
    for (const auto& c : *conversations) {
        list.append(QVariantMap{{QStringLiteral("id"), qint64(c.id)},
                                {QStringLiteral("title"), QString::fromStdString(c.title)},
                                {QStringLiteral("updated"), qint64(c.updated_ms)},
                                {QStringLiteral("pinned"), c.pinned}});
    }
    emit listed(list);
}

void HistoryWorker::openConversation(qint64 id) {
    if (!store_) return;
    auto path = store_->current_path(id);
    if (!path) {
        emit failed(QString::fromStdString(path.error().message));
        return;
    }
    QVariantList messages;
    for (const auto& m : *path) {
        const auto& b = m.body;
        messages.append(QVariantMap{
            {QStringLiteral("author"), to_qstring(hearth::store::role_name(b.role))},
            {QStringLiteral("answer"), QString::fromStdString(b.content)},
            {QStringLiteral("reasoning"), QString::fromStdString(b.thinking)},
            {QStringLiteral("status"), to_qstring(hearth::store::status_name(b.status))},
            {QStringLiteral("effort"),
             b.reasoning_effort ? to_qstring(hearth::store::effort_name(*b.reasoning_effort))
                                : QString()}});
    }
    emit conversationOpened(id, messages);
}

void HistoryWorker::rename(qint64 id, const QString& title) {
    if (!store_) return;
    check(store_->rename(id, title.simplified().toStdString()));
    list();
}

void HistoryWorker::setPinned(qint64 id, bool pinned) {
    if (!store_) return;
    check(store_->set_pinned(id, pinned));
    list();
}

void HistoryWorker::remove(qint64 id) {
    if (!store_) return;
    check(store_->delete_conversation(id));
    list();
}

void HistoryWorker::search(const QString& query) {
    if (!store_) return;
    hearth::store::SearchQuery request;
    request.text = query.toStdString();
    request.limit = search_limit;
    request.match_start = std::string(1, match_start);
    request.match_end = std::string(1, match_end);
    request.include_archived = false;
    auto hits = hearth::store::search(*store_, request);
    if (!hits) {
        emit failed(QString::fromStdString(hits.error().message));
        return;
    }
    QVariantList results;
    QSet<qint64> seen;
    for (const auto& hit : *hits) {
        if (seen.contains(hit.conversation_id)) continue;
        seen.insert(hit.conversation_id);
        results.append(
            QVariantMap{{QStringLiteral("conversationId"), qint64(hit.conversation_id)},
                        {QStringLiteral("title"), QString::fromStdString(hit.conversation_title)},
                        {QStringLiteral("snippet"), snippet_html(hit.snippet)}});
    }
    emit searched(query, results);
}
