#include "MessageListModel.h"

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(messages_.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const Message& m = messages_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case AuthorRole: return m.author;
    case AnswerRole: return m.answer;
    case ReasoningRole: return m.reasoning;
    case StatusRole: return m.status;
    case EffortRole: return m.effort;
    case ThinkingSecondsRole: return m.thinking_seconds;
    case ReasoningTokensRole: return m.reasoning_tokens;
    case ErrorRole: return m.error;
    case IdRole: return m.id;
    case SiblingIndexRole: return m.sibling_index;
    case SiblingCountRole: return m.sibling_count;
    case ToolNameRole: return m.tool_name;
    case ToolArgumentsRole: return m.tool_arguments;
    case CanContinueRole: return can_continue(m);
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{AuthorRole, "author"},
            {AnswerRole, "answer"},
            {ReasoningRole, "reasoning"},
            {StatusRole, "status"},
            {EffortRole, "effort"},
            {ThinkingSecondsRole, "thinkingSeconds"},
            {ReasoningTokensRole, "reasoningTokens"},
            {ErrorRole, "error"},
            {IdRole, "messageId"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"},
            {ToolNameRole, "toolName"},
            {ToolArgumentsRole, "toolArguments"},
            {CanContinueRole, "canContinue"}};
}

void MessageListModel::append_row(const QString& author, const QString& text, const QString& status,
                                  const QString& effort, const QString& tool_name) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    Message m;
    m.author = author;
    m.answer = text;
    m.status = status;
    m.effort = effort;
    m.tool_name = tool_name;
    messages_.push_back(std::move(m));
    endInsertRows();
}

void MessageListModel::append_user(const QString& text) {
    append_row(QStringLiteral("user"), text, QStringLiteral("complete"), {}, {});
}

void MessageListModel::begin_assistant(const QString& effort) {
    append_row(QStringLiteral("assistant"), {}, QStringLiteral("streaming"), effort, {});
    reasoning_clock_.start();
}

void MessageListModel::append_text(bool reasoning, const QString& text) {
    if (messages_.empty()) return;
    Message& m = messages_.back();
    if (reasoning) {
        m.reasoning += text;
        ++m.reasoning_tokens;
        m.thinking_seconds = static_cast<double>(reasoning_clock_.elapsed()) / 1000.0;
        changed_last({ReasoningRole, ReasoningTokensRole, ThinkingSecondsRole});
    } else {
        m.answer += text;
        changed_last({AnswerRole});
    }
}

void MessageListModel::finish_assistant(const QString& status, const QString& error) {
    if (messages_.empty()) return;
    messages_.back().status = status;
    messages_.back().error = error;
    changed_last({StatusRole, ErrorRole, CanContinueRole});
}

void MessageListModel::answer_tool_call(const QString& tool, const QString& arguments,
                                        const QString& result) {
    if (messages_.empty() || messages_.back().author != QLatin1String("assistant")) return;
    Message& call = messages_.back();
    call.tool_name = tool;
    call.tool_arguments = arguments;
    call.status = QStringLiteral("complete");
    changed_last({ToolNameRole, ToolArgumentsRole, StatusRole, CanContinueRole});
    const QString effort = call.effort;
    append_row(QStringLiteral("tool"), result, QStringLiteral("complete"), {}, tool);
    begin_assistant(effort);
}

void MessageListModel::truncate(int row) {
    if (row < 0 || row >= rowCount()) return;
    beginRemoveRows({}, row, rowCount() - 1);
    messages_.erase(messages_.begin() + row, messages_.end());
    endRemoveRows();
}

void MessageListModel::resume_assistant() {
    if (messages_.empty() || messages_.back().author != QLatin1String("assistant")) return;
    messages_.back().status = QStringLiteral("streaming");
    messages_.back().error.clear();
    reasoning_clock_.start();
    changed_last({StatusRole, ErrorRole, CanContinueRole});
}

void MessageListModel::set_branches(const QVariantList& rows) {
    if (rows.size() != rowCount()) return;
    for (int row = 0; row < rowCount(); ++row) {
        const QVariantMap r = rows[row].toMap();
        Message& m = messages_[std::size_t(row)];
        if (r.value(QStringLiteral("author")).toString() != m.author) return;
        m.id = r.value(QStringLiteral("id")).toLongLong();
        m.sibling_index = r.value(QStringLiteral("siblingIndex")).toInt();
        m.sibling_count = r.value(QStringLiteral("siblingCount")).toInt();
    }
    emit dataChanged(index(0), index(rowCount() - 1), {IdRole, SiblingIndexRole, SiblingCountRole});
}

void MessageListModel::clear() {
    beginResetModel();
    messages_.clear();
    endResetModel();
}

void MessageListModel::changed_last(const QList<int>& roles) {
    const QModelIndex last = index(rowCount() - 1);
    emit dataChanged(last, last, roles);
}

void MessageListModel::set_messages(std::vector<Message> messages) {
    beginResetModel();
    messages_ = std::move(messages);
    endResetModel();
}

bool MessageListModel::can_continue(const Message& message) {
    // An answer that called a tool ended with the call; the tool's result and a new answer follow.
    if (message.author != QLatin1String("assistant") || !message.tool_name.isEmpty()) return false;
    const QString& status = message.status;
    return status == QLatin1String("length") || status == QLatin1String("cancelled") ||
           status == QLatin1String("interrupted");
}

QString MessageListModel::lastAnswer() const {
    for (auto m = messages_.rbegin(); m != messages_.rend(); ++m) {
        if (m->author == QLatin1String("assistant")) return m->answer;
    }
    return {};
}
