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
            {ErrorRole, "error"}};
}

void MessageListModel::append_user(const QString& text) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    messages_.push_back({.author = QStringLiteral("user"),
                         .answer = text,
                         .reasoning = {},
                         .status = QStringLiteral("complete"),
                         .effort = {},
                         .error = {}});
    endInsertRows();
}

void MessageListModel::begin_assistant(const QString& effort) {
    const int row = rowCount();
    beginInsertRows({}, row, row);
    messages_.push_back({.author = QStringLiteral("assistant"),
                         .answer = {},
                         .reasoning = {},
                         .status = QStringLiteral("streaming"),
                         .effort = effort,
                         .error = {}});
    endInsertRows();
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
    changed_last({StatusRole, ErrorRole});
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

QString MessageListModel::lastAnswer() const {
    for (auto m = messages_.rbegin(); m != messages_.rend(); ++m) {
        if (m->author == QLatin1String("assistant")) return m->answer;
    }
    return {};
}
