#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "schema.h"
#include "search.h"
#include "store_test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace hearth::store;

class StoreSchemaTest : public testing_support::TempDirTest {};

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_bytes(const fs::path& path, std::string_view bytes) {
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Every table, index, trigger and view, as SQL, in name order.
std::vector<std::string> schema_of(Database& db) {
    auto query =
        db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master "
                   "ORDER BY type, name")
            .value();
    std::vector<std::string> objects;
    while (query.step().value())
        objects.push_back(query.column_text(0));
    return objects;
}

TEST_F(StoreSchemaTest, ANewDatabaseIsAtTheCurrentVersionWithHearthsApplicationId) {
    auto store = open_store();
    EXPECT_EQ(schema_version(store.database()).value(), current_schema_version());
    EXPECT_EQ(store.database().query_int64("PRAGMA application_id").value(), hearth_application_id);
    EXPECT_EQ(store.database().query_text("PRAGMA journal_mode").value(), "wal");
    EXPECT_EQ(store.database().query_text("PRAGMA foreign_keys").value(), "1");
}

TEST_F(StoreSchemaTest, EveryEarlierVersionsFixtureUpgradesKeepingItsRows) {
    std::vector<std::string> fresh_schema;
    {
        auto fresh = ConversationStore::open(dir_ / "fresh.db").value();
        fresh_schema = schema_of(fresh.database());
    }
    for (std::int64_t version = 0; version <= current_schema_version(); ++version) {
        SCOPED_TRACE("schema version " + std::to_string(version));
        const fs::path fixture =
            fs::path(HEARTH_STORE_FIXTURES) / ("schema-v" + std::to_string(version) + ".sql");
        ASSERT_TRUE(fs::exists(fixture)) << "every schema version needs a fixture: " << fixture;
        const fs::path path = dir_ / ("v" + std::to_string(version) + ".db");
        std::int64_t conversations = 0, messages = 0;
        {
            auto raw = Database::open_connection(path, {}).value();
            ASSERT_TRUE(raw.execute(read_bytes(fixture)));
            ASSERT_EQ(schema_version(raw).value(), version);
            if (version >= 1) {
                conversations = raw.query_int64("SELECT count(*) FROM conversations").value();
                messages = raw.query_int64("SELECT count(*) FROM messages").value();
            }
        }
        auto store = ConversationStore::open(path);
        ASSERT_TRUE(store) << store.error().message << " (" << store.error().detail << ")";
        Database& db = store->database();
        EXPECT_EQ(schema_version(db).value(), current_schema_version());
        EXPECT_EQ(schema_of(db), fresh_schema);
        EXPECT_EQ(db.query_text("PRAGMA integrity_check").value(), "ok");
        EXPECT_EQ(db.query_int64("SELECT count(*) FROM pragma_foreign_key_check").value(), 0);
        EXPECT_EQ(db.query_int64("SELECT count(*) FROM conversations").value(), conversations);
        EXPECT_EQ(db.query_int64("SELECT count(*) FROM messages").value(), messages);
        // The search index was carried along: the FTS5 integrity check compares it with the rows.
        EXPECT_TRUE(
            db.execute("INSERT INTO message_search(message_search) VALUES('integrity-check');"
                       "INSERT INTO title_search(title_search) VALUES('integrity-check')"));
    }
}

TEST_F(StoreSchemaTest, TheVersion1FixturesConversationsReadBackThroughTheStore) {
    const fs::path path = dir_ / "v1.db";
    {
        auto raw = Database::open_connection(path, {}).value();
        ASSERT_TRUE(raw.execute(read_bytes(fs::path(HEARTH_STORE_FIXTURES) / "schema-v1.sql")));
    }
    auto store = ConversationStore::open(path).value();
    auto weather = store.conversation(1).value();
    EXPECT_EQ(weather.title, "Fixture v1: weather in Seoul");
    EXPECT_EQ(weather.settings.sampling.seed, 42);
    const auto path_to_leaf = store.current_path(1).value();
    ASSERT_EQ(path_to_leaf.size(), 4u);
    EXPECT_EQ(path_to_leaf[1].body.thinking, "Need to call get_weather.");
    EXPECT_EQ(path_to_leaf[3].body.content, "It is 21 °C in Seoul.");
    EXPECT_EQ(store.children(1, std::nullopt)->size(), 2u);
    auto hits = search(store, {.text = "부산까지"}).value();
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, 6);
}

TEST_F(StoreSchemaTest, UpgradingToVersion2KeepsLeavesAndSearchAndLetsAnAnswerEndAtTheLimit) {
    const fs::path path = dir_ / "v1.db";
    {
        auto raw = Database::open_connection(path, {}).value();
        ASSERT_TRUE(raw.execute(read_bytes(fs::path(HEARTH_STORE_FIXTURES) / "schema-v1.sql")));
        // Version 1 refuses the status outright.
        EXPECT_FALSE(raw.execute("UPDATE messages SET status = 'length' WHERE id = 7"));
    }
    auto store = ConversationStore::open(path).value();
    // Rebuilding the messages table must not act on the rows that refer to it.
    EXPECT_EQ(store.conversation(1)->current_leaf, 4);
    EXPECT_EQ(store.conversation(2)->current_leaf, 7);
    EXPECT_EQ(store.message(7)->body.status, MessageStatus::cancelled);
    EXPECT_EQ(store.message(4)->parent_id, 3);
    EXPECT_EQ(search(store, {.text = "21 °C"}).value().size(), 1u);

    MessageContent cut =
        testing_support::text_message(hearth::harmony::Role::assistant, "Busan is warmer than");
    cut.status = MessageStatus::length;
    const auto id = store.add_message(2, 6, cut).value();
    EXPECT_EQ(store.message(id)->body.status, MessageStatus::length);
    // Indexed like any finished answer.
    const auto hits = search(store, {.text = "warmer than"}).value();
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, id);
}

TEST_F(StoreSchemaTest, TheVersion2FixturesCutOffAnswerReadsBackAsLength) {
    const fs::path path = dir_ / "v2.db";
    {
        auto raw = Database::open_connection(path, {}).value();
        ASSERT_TRUE(raw.execute(read_bytes(fs::path(HEARTH_STORE_FIXTURES) / "schema-v2.sql")));
    }
    auto store = ConversationStore::open(path).value();
    const auto cut = store.message(8).value();
    EXPECT_EQ(cut.body.status, MessageStatus::length);
    EXPECT_EQ(cut.body.content, "Busan is usually a little warmer than");
    EXPECT_EQ(store.children(1, 5)->size(), 1u);
}

// Synthetic versions show the runner's rules without waiting for a real version 2.
hearth::Result<void> create_notes(Database& db) {
    return db.execute("CREATE TABLE notes(body TEXT)");
}
hearth::Result<void> add_stars(Database& db) {
    return db.execute("ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0");
}
hearth::Result<void> half_done_then_fail(Database& db) {
    if (auto ok = db.execute("ALTER TABLE notes ADD COLUMN tags TEXT"); !ok) return ok;
    return db.execute("THIS IS NOT SQL");
}

TEST_F(StoreSchemaTest, MigrationsRunInOrderFromTheFilesVersion) {
    auto db = Database::open(db_path()).value();
    const Migration to_v1[] = {{1, create_notes}};
    ASSERT_TRUE(migrate(db, to_v1));
    ASSERT_TRUE(db.execute("INSERT INTO notes(body) VALUES ('kept')"));
    const Migration to_v2[] = {{1, create_notes}, {2, add_stars}};
    ASSERT_TRUE(migrate(db, to_v2)); // version 1 is skipped, only 2 runs
    EXPECT_EQ(schema_version(db).value(), 2);
    EXPECT_EQ(db.query_text("SELECT body || ' ' || stars FROM notes").value(), "kept 0");
}

TEST_F(StoreSchemaTest, AFailedMigrationLeavesTheFileAtThePreviousVersionUntouched) {
    auto db = Database::open(db_path()).value();
    const Migration steps[] = {{1, create_notes}, {2, half_done_then_fail}};
    auto result = migrate(db, steps);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message, "Cannot upgrade the database to schema version 2");
    EXPECT_EQ(schema_version(db).value(), 1);
    EXPECT_EQ(db.query_int64("SELECT count(*) FROM pragma_table_info('notes')").value(), 1);
}

TEST_F(StoreSchemaTest, AMissingStepIsAnError) {
    auto db = Database::open(db_path()).value();
    const Migration steps[] = {{2, add_stars}};
    auto result = migrate(db, steps);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message, "Database: no migration from schema version 0");
}

TEST_F(StoreSchemaTest, RandomBytesAreReportedAsNotADatabaseAndLeftUntouched) {
    std::string noise(8192, '\0');
    std::mt19937 random(7);
    for (char& c : noise)
        c = static_cast<char>(random());
    write_bytes(db_path(), noise);
    auto store = ConversationStore::open(db_path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, db_path().string() +
                                         " is not a Hearth database (not an SQLite file); it "
                                         "was left untouched");
    EXPECT_EQ(read_bytes(db_path()), noise);
}

TEST_F(StoreSchemaTest, AnotherApplicationsSqliteFileIsRefusedAndLeftUntouched) {
    {
        auto other = Database::open_connection(db_path(), {}).value();
        ASSERT_TRUE(other.execute("CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT);"
                                  "INSERT INTO accounts(name) VALUES ('alice');"
                                  "PRAGMA user_version = 7"));
    }
    const std::string before = read_bytes(db_path());
    auto store = ConversationStore::open(db_path());
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().message.find("another application's SQLite file"), std::string::npos)
        << store.error().message;
    EXPECT_EQ(read_bytes(db_path()), before);
    EXPECT_FALSE(fs::exists(db_path().string() + "-wal"));
}

TEST_F(StoreSchemaTest, ANewerHearthsDatabaseIsRefusedAndLeftUntouched) {
    {
        auto newer = Database::open_connection(db_path(), {}).value();
        ASSERT_TRUE(newer.execute(
            "PRAGMA application_id = " + std::to_string(hearth_application_id) +
            "; PRAGMA user_version = " + std::to_string(current_schema_version() + 1) +
            "; CREATE TABLE conversations(id INTEGER PRIMARY KEY)"));
    }
    const std::string before = read_bytes(db_path());
    auto store = ConversationStore::open(db_path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message,
              db_path().string() +
                  " was written by a newer version of Hearth; it was left untouched");
    EXPECT_EQ(read_bytes(db_path()), before);
}

TEST_F(StoreSchemaTest, AReadOnlyStoreReadsButEveryWriteIsAnErrorValue) {
    ConversationId c = 0;
    {
        auto store = open_store();
        c = store.create_conversation({.title = "kept"}).value();
    }
    auto store = ConversationStore::open(db_path(), {.read_only = true});
    ASSERT_TRUE(store) << store.error().message << " " << store.error().detail;
    EXPECT_EQ(store->conversation(c)->title, "kept");
    auto write = store->create_conversation({.title = "new"});
    ASSERT_FALSE(write);
    EXPECT_NE(write.error().detail.find("readonly"), std::string::npos) << write.error().detail;
    EXPECT_FALSE(store->rename(c, "changed"));
    EXPECT_EQ(store->conversation(c)->title, "kept");
}

TEST_F(StoreSchemaTest, AMissingFolderGivesAnErrorNamingThePath) {
    const fs::path path = dir_ / "no-such-folder" / "history.db";
    auto store = ConversationStore::open(path);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "Cannot open the database " + path.string());
}

} // namespace
