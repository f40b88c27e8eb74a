// The forward migrations. Each one is frozen once released: never edit a migration, add the next.
#include <array>

#include "schema.h"

namespace hearth::store {
namespace {

// Version 1: conversations, the message tree, and trigram full-text indexes over titles, answers
// and reasoning. A message is indexed once it stops streaming, so the growing message's frequent
// writes stay cheap; recovery at open marks it interrupted, which indexes it. A subtree is deleted
// by one statement (the store collects it), not by cascading parent_id, whose recursion depth
// SQLite limits.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    model TEXT NOT NULL DEFAULT '',
    model_identity TEXT NOT NULL DEFAULT '',
    reasoning_effort TEXT NOT NULL DEFAULT 'medium'
        CHECK (reasoning_effort IN ('low', 'medium', 'high')),
    instructions TEXT NOT NULL DEFAULT '',
    temperature REAL NOT NULL DEFAULT 1.0,
    top_p REAL NOT NULL DEFAULT 1.0,
    top_k INTEGER NOT NULL DEFAULT 0,
    min_p REAL NOT NULL DEFAULT 0.0,
    seed INTEGER,
    max_tokens INTEGER NOT NULL DEFAULT 8192,
    current_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    content TEXT NOT NULL DEFAULT '',
    thinking TEXT NOT NULL DEFAULT '',
    tool_calls TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'complete'
        CHECK (status IN ('streaming', 'complete', 'cancelled', 'failed', 'interrupted')),
    error TEXT NOT NULL DEFAULT '',
    reasoning_effort TEXT CHECK (reasoning_effort IN ('low', 'medium', 'high')),
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    reused_prompt_tokens INTEGER NOT NULL DEFAULT 0,
    generated_tokens INTEGER NOT NULL DEFAULT 0,
    time_to_first_token_ms REAL NOT NULL DEFAULT 0,
    tokens_per_second REAL NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- The sidebar: non-archived conversations, pinned first, most recent first.
CREATE INDEX conversations_by_recency
    ON conversations (archived, pinned DESC, updated_ms DESC, id DESC);
-- Deleting a message checks which conversation points at it.
CREATE INDEX conversations_by_leaf ON conversations (current_leaf_id);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_by_parent ON messages (parent_id, id);
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

CREATE VIRTUAL TABLE message_search USING fts5(
    content, thinking, content = 'messages', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE title_search USING fts5(
    title, content = 'conversations', content_rowid = 'id', tokenize = 'trigram');

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
    INSERT INTO message_search (rowid, content, thinking)
        VALUES (new.id, new.content, new.thinking);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
    INSERT INTO message_search (message_search, rowid, content, thinking)
        VALUES ('delete', old.id, old.content, old.thinking);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF content, thinking, status ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content, thinking)
        SELECT 'delete', old.id, old.content, old.thinking WHERE old.status <> 'streaming';
    INSERT INTO message_search (rowid, content, thinking)
        SELECT new.id, new.content, new.thinking WHERE new.status <> 'streaming';
END;

CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO title_search (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO title_search (title_search, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO title_search (title_search, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO title_search (rowid, title) VALUES (new.id, new.title);
END;

PRAGMA application_id = 1215460456;
)sql";

Result<void> migrate_to_v1(Database& db) { return db.execute(schema_v1); }

// Version 2: a message may end 'length' (cut off at the token limit, so it can be continued after
// the conversation is reopened). SQLite cannot alter a CHECK constraint, so the messages table is
// rebuilt as SQLite's documentation describes (the runner turns foreign keys off around it):
// copied into a new table with the new constraint, the old one dropped (with its indexes and
// triggers), the new one renamed, and the indexes and search triggers made again. Ids are kept,
// so the external-content search index still matches its rows.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE messages_v2 (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id),
    role TEXT NOT NULL CHECK (role IN ('system', 'developer', 'user', 'assistant', 'tool')),
    content TEXT NOT NULL DEFAULT '',
    thinking TEXT NOT NULL DEFAULT '',
    tool_calls TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'complete'
        CHECK (status IN ('streaming', 'complete', 'length', 'cancelled', 'failed',
                          'interrupted')),
    error TEXT NOT NULL DEFAULT '',
    reasoning_effort TEXT CHECK (reasoning_effort IN ('low', 'medium', 'high')),
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    reused_prompt_tokens INTEGER NOT NULL DEFAULT 0,
    generated_tokens INTEGER NOT NULL DEFAULT 0,
    time_to_first_token_ms REAL NOT NULL DEFAULT 0,
    tokens_per_second REAL NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
INSERT INTO messages_v2 (id, conversation_id, parent_id, role, content, thinking, tool_calls,
    status, error, reasoning_effort, prompt_tokens, reused_prompt_tokens, generated_tokens,
    time_to_first_token_ms, tokens_per_second, created_ms, updated_ms)
SELECT id, conversation_id, parent_id, role, content, thinking, tool_calls, status, error,
    reasoning_effort, prompt_tokens, reused_prompt_tokens, generated_tokens,
    time_to_first_token_ms, tokens_per_second, created_ms, updated_ms
FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;

CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_by_parent ON messages (parent_id, id);
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
    INSERT INTO message_search (rowid, content, thinking)
        VALUES (new.id, new.content, new.thinking);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
    INSERT INTO message_search (message_search, rowid, content, thinking)
        VALUES ('delete', old.id, old.content, old.thinking);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF content, thinking, status ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, content, thinking)
        SELECT 'delete', old.id, old.content, old.thinking WHERE old.status <> 'streaming';
    INSERT INTO message_search (rowid, content, thinking)
        SELECT new.id, new.content, new.thinking WHERE new.status <> 'streaming';
END;
)sql";

Result<void> migrate_to_v2(Database& db) { return db.execute(schema_v2); }

constexpr std::array<Migration, 2> all_migrations{{
    {1, migrate_to_v1},
    {2, migrate_to_v2},
}};

static_assert(hearth_application_id == 1215460456, "schema_v1 spells the id out");

} // namespace

std::span<const Migration> migrations() { return all_migrations; }

std::int64_t current_schema_version() { return all_migrations.back().to_version; }

} // namespace hearth::store
