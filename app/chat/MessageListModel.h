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
        AuthorRole = Qt::UserRole + 1, // "user", "assistant" or "tool"
        AnswerRole,                    // the user's text, the answer, or a tool's result
        ReasoningRole,
        // "streaming", "complete", "cancelled", "length", "failed", "interrupted" (Hearth closed,
        // or the GPU stopped: the error says so), or "toolLimit" (the model still called a tool
        // after the last one answered)
        StatusRole,
        EffortRole,          // reasoning effort the reply was generated with
        ThinkingSecondsRole, // how long the reasoning took
        ReasoningTokensRole,
        ErrorRole,
        IdRole,           // the message's id in the history; 0 until it is saved
        SiblingIndexRole, // which version of the message this is, from 0
        SiblingCountRole, // how many versions it has (edits, regenerations)
        // The tool an answer called ("functions.get_weather", "browser.search"), or the one a
        // tool message answers for; empty for none.
        ToolNameRole,
        ToolArgumentsRole, // the call's arguments (JSON text, as the model wrote them)
        CanContinueRole,   // whether the model can go on writing this answer (can_continue)
    };

    struct Message {
        QString author, answer, reasoning, status, effort, error, tool_name, tool_arguments;
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
    // The answer being written called `tool`: it ends with that call, `result` follows as a tool
    // row, then a new answer row grows (with the same effort).
    void answer_tool_call(const QString& tool, const QString& arguments, const QString& result);
    // Removes the rows from `row` on (an edited question and what followed it).
    void truncate(int row);
    // Lets the last (assistant) row grow again: continuing an answer cut off at the limit or
    // stopped.
    void resume_assistant();
    // Ids and versions from the history, row by row (branch_rows()); ignored unless the rows
    // are the same messages.
    void set_branches(const QVariantList& rows);
    void clear();
    // Replaces every row (a conversation opened from the history).
    void set_messages(std::vector<Message> messages);
    const std::vector<Message>& messages() const { return messages_; }
    // Whether the model can go on writing this answer: it stopped before its end (the length
    // limit, the user, Hearth closing or its GPU stopping).
    static bool can_continue(const Message& message);
    // The newest assistant message's answer (without its reasoning); empty when there is none.
    Q_INVOKABLE QString lastAnswer() const;

  private:
    void append_row(const QString& author, const QString& text, const QString& status,
                    const QString& effort, const QString& tool_name);
    void changed_last(const QList<int>& roles);
    std::vector<Message> messages_;
    QElapsedTimer reasoning_clock_;
};
