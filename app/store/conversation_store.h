// ConversationStore: every conversation in one SQLite database, messages kept as a tree.
//
// Tree: a message's parent is the message it answers (none for the first one). Editing a message
// or regenerating an answer adds a sibling (same parent), so earlier versions stay reachable.
// Each conversation has a current leaf; the path from the root to it is the branch the UI shows.
//
// Opening: a file that is not a Hearth database (random bytes, another application's SQLite
// file, a newer Hearth's schema) is refused with a clear error and never written to. Otherwise
// the schema is migrated forward, and messages left `streaming` by a crash are marked
// `interrupted`, text intact.
//
// Threading: one ConversationStore per thread; the calls are synchronous. Several stores (in
// several processes) may open the same file: SQLite's WAL mode and busy timeout serialise them.
// Every call that changes data is one transaction. Errors are values; nothing throws.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_database.h"
#include "store_types.h"

namespace hearth::store {

struct NewConversation {
    std::string title{};
    ConversationSettings settings{};
    bool pinned = false;
    bool archived = false;
    std::optional<std::int64_t> created_ms{}; // now when absent (import passes the original)
};

struct ConversationPageQuery {
    std::int64_t limit = 50;
    std::int64_t offset = 0;
    bool archived = false; // the archive view instead of the sidebar
};

struct StoreOpenOptions {
    bool read_only = false; // reads only; the file must already be at the current version
};

class ConversationStore {
  public:
    static Result<ConversationStore> open(const std::filesystem::path& path,
                                          StoreOpenOptions options = {});

    ConversationStore(ConversationStore&&) noexcept = default;
    ConversationStore& operator=(ConversationStore&&) noexcept = default;

    // How many messages this open found left streaming and marked interrupted.
    std::int64_t interrupted_at_open() const { return interrupted_at_open_; }

    // Conversations.
    Result<ConversationId> create_conversation(const NewConversation& conversation);
    Result<Conversation> conversation(ConversationId id);
    // Pinned first, then most recently updated (ties: newest id first).
    Result<std::vector<Conversation>> list_conversations(const ConversationPageQuery& query = {});
    Result<std::vector<ConversationId>> all_conversation_ids();
    Result<void> rename(ConversationId id, std::string_view title);
    Result<void> set_pinned(ConversationId id, bool pinned);
    Result<void> set_archived(ConversationId id, bool archived);
    Result<void> update_settings(ConversationId id, const ConversationSettings& settings);
    // Deletes the conversation and all its messages.
    Result<void> delete_conversation(ConversationId id);

    // Messages and the tree.
    // Adds a message under `parent` (none: a new root) and makes it the current leaf.
    Result<MessageId> add_message(ConversationId conversation, std::optional<MessageId> parent,
                                  const MessageContent& content);
    Result<Message> message(MessageId id);
    // Children of `parent` (none: the roots of `conversation`), oldest first.
    Result<std::vector<Message>> children(ConversationId conversation,
                                          std::optional<MessageId> parent);
    // The message and its siblings (the versions the UI can switch between), oldest first.
    Result<std::vector<Message>> siblings(MessageId id);
    // Root first, `leaf` last.
    Result<std::vector<Message>> path_to(MessageId leaf);
    // The visible branch: path_to(current leaf), empty for a conversation without messages.
    Result<std::vector<Message>> current_path(ConversationId conversation);
    Result<void> set_current_leaf(ConversationId conversation, MessageId leaf);
    // Shows the branch through `id`: the current leaf becomes the newest-descendant chain's end
    // below `id` (following the newest child at each step). Returns the new leaf.
    Result<MessageId> switch_to_branch(MessageId id);
    // A sibling of `original` with new text (same role and parent); it becomes the current leaf.
    // Regenerating an answer is add_message (or MessageStreamWriter) under the answer's parent.
    Result<MessageId> edit_message(MessageId original, std::string_view new_content);
    // Deletes the message and everything below it; a current leaf inside moves to its parent.
    Result<void> delete_message(MessageId id);

    // Streaming: the text written so far, in one transaction.
    Result<void> write_streaming_text(MessageId id, std::string_view content,
                                      std::string_view thinking, std::string_view tool_calls);
    // Makes a finished answer streaming again, to write more of it (continuing an answer cut off
    // at the token limit); its text stays. Fails for other roles and for a streaming message.
    Result<void> reopen_answer(MessageId id);
    // Ends a streaming message: its final text, status, error and stats.
    Result<void> finish_message(MessageId id, const MessageContent& final_content);
    // Marks every message left streaming as interrupted; returns how many. open() calls it.
    Result<std::int64_t> mark_streaming_interrupted();

    Database& database() { return db_; }

  private:
    explicit ConversationStore(Database db) : db_(std::move(db)) {}
    Result<void> touch(ConversationId id, std::int64_t when_ms);
    Result<void> set_flag(ConversationId id, const char* column, bool value);

    Database db_;
    std::int64_t interrupted_at_open_ = 0;
};

// Checks that `json` is a JSON array of tool calls; returns it in canonical form (compact,
// keys sorted), so that it survives export and import byte for byte. "" stays "".
Result<std::string> canonical_tool_calls(std::string_view json);

} // namespace hearth::store
