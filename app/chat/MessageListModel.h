// The messages of the conversation on screen, one row each, for the chat page's ListView.
// The last assistant row grows while its answer streams in.
#pragma once

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <vector>

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")

  public:
    enum Role {
        AuthorRole = Qt::UserRole + 1, // "user" or "assistant"
        AnswerRole,
        ReasoningRole,
        StatusRole,          // "streaming", "complete", "cancelled", "length", "failed"
        EffortRole,          // reasoning effort the reply was generated with
        ThinkingSecondsRole, // how long the reasoning took
        ReasoningTokensRole,
        ErrorRole,
        IdRole,           // the message's id in the history; 0 until it is saved
        SiblingIndexRole, // which version of the message this is, from 0
        SiblingCountRole, // how many versions it has (edits, regenerations)
    };

    struct Message {
        QString author, answer, reasoning, status, effort, error;
        double thinking_seconds = 0;
        int reasoning_tokens = 0;
        qint64 id = 0;
        int sibling_index = 0;
        int sibling_count = 1;
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void append_user(const QString& text);
    void begin_assistant(const QString& effort);
    void append_text(bool reasoning, const QString& text);
    void finish_assistant(const QString& status, const QString& error = {});
    // Removes the rows from `row` on (an edited question and what followed it).
    void truncate(int row);
    // Lets the last (assistant) row grow again: continuing an answer cut off at the limit.
    void resume_assistant();
    // Ids and versions from the history, row by row (branch_rows()); ignored unless the rows
    // are the same messages.
    void set_branches(const QVariantList& rows);
    void clear();
    // Replaces every row (a conversation opened from the history).
    void set_messages(std::vector<Message> messages);
    const std::vector<Message>& messages() const { return messages_; }
    // The newest assistant message's answer (without its reasoning); empty when there is none.
    Q_INVOKABLE QString lastAnswer() const;

  private:
    void changed_last(const QList<int>& roles);
    std::vector<Message> messages_;
    QElapsedTimer reasoning_clock_;
};
