#include "branch_rows.h"

#include <QVariantMap>

#include "tool_calls.h"

namespace {

QString to_qstring(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

hearth::Result<QVariantList> branch_rows(hearth::store::ConversationStore& store,
                                         hearth::store::ConversationId conversation) {
    auto path = store.current_path(conversation);
    if (!path) return std::unexpected(path.error());
    QVariantList rows;
    QString last_tool; // the tool a tool message answers for: the latest call's
    for (const auto& m : *path) {
        auto siblings = store.siblings(m.id);
        if (!siblings) return std::unexpected(siblings.error());
        qsizetype index = 0;
        while (index < qsizetype(siblings->size()) && (*siblings)[std::size_t(index)].id != m.id)
            ++index;
        const auto& b = m.body;
        QString tool_arguments;
        if (const auto call = hearth::store::first_tool_call(b.tool_calls)) {
            last_tool = QString::fromStdString(hearth::harmony::tool_recipient(*call));
            tool_arguments = QString::fromStdString(call->arguments);
        }
        const bool names_tool = !b.tool_calls.empty() || b.role == hearth::harmony::Role::tool;
        rows.append(QVariantMap{
            {QStringLiteral("id"), qint64(m.id)},
            {QStringLiteral("author"), to_qstring(hearth::store::role_name(b.role))},
            {QStringLiteral("answer"), QString::fromStdString(b.content)},
            {QStringLiteral("reasoning"), QString::fromStdString(b.thinking)},
            {QStringLiteral("status"), to_qstring(hearth::store::status_name(b.status))},
            {QStringLiteral("error"), QString::fromStdString(b.error)},
            {QStringLiteral("effort"),
             b.reasoning_effort ? to_qstring(hearth::store::effort_name(*b.reasoning_effort))
                                : QString()},
            {QStringLiteral("toolName"), names_tool ? last_tool : QString()},
            {QStringLiteral("toolArguments"), tool_arguments},
            {QStringLiteral("siblingIndex"), index},
            {QStringLiteral("siblingCount"), qsizetype(siblings->size())}});
    }
    return rows;
}
