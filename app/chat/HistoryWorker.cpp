#include "HistoryWorker.h"

#include <QSet>
#include <QVariantMap>

#include <algorithm>

#include "branch_rows.h"
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
    auto rows = branch_rows(*store_, id);
    if (!rows) {
        emit failed(QString::fromStdString(rows.error().message));
        return;
    }
    emit conversationOpened(id, *rows);
}

void HistoryWorker::switchBranch(qint64 conversation, qint64 message, int step) {
    if (!store_) return;
    auto siblings = store_->siblings(message);
    if (!siblings) {
        emit failed(QString::fromStdString(siblings.error().message));
        return;
    }
    const auto at = std::find_if(siblings->begin(), siblings->end(),
                                 [message](const auto& m) { return m.id == message; });
    const auto target = (at - siblings->begin()) + step;
    if (at == siblings->end() || target < 0 || target >= std::ssize(*siblings)) return;
    if (auto leaf = store_->switch_to_branch((*siblings)[std::size_t(target)].id); !leaf) {
        emit failed(QString::fromStdString(leaf.error().message));
        return;
    }
    openConversation(conversation);
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
