#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "sqlite_database.h"

namespace {

namespace fs = std::filesystem;
using hearth::store::Database;

class SqliteDatabaseTest : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("hearth-store-test-" + std::to_string(::getpid()) + "-" +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(SqliteDatabaseTest, OpensInWalModeWithForeignKeysAndABusyTimeout) {
    auto db = Database::open(dir_ / "history.db");
    ASSERT_TRUE(db.has_value()) << db.error().message;
    EXPECT_EQ(db->query_text("PRAGMA journal_mode").value(), "wal");
    EXPECT_EQ(db->query_text("PRAGMA foreign_keys").value(), "1");
    EXPECT_EQ(db->query_text("PRAGMA busy_timeout").value(), "5000");
}

TEST_F(SqliteDatabaseTest, RowsWrittenThroughPreparedStatementsSurviveReopening) {
    {
        auto db = Database::open(dir_ / "history.db");
        ASSERT_TRUE(db.has_value());
        ASSERT_TRUE(db->execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"));
        auto insert = db->prepare("INSERT INTO notes(id, body) VALUES (?, ?)");
        ASSERT_TRUE(insert.has_value());
        ASSERT_TRUE(insert->bind(1, std::int64_t{42}));
        ASSERT_TRUE(insert->bind(2, std::string_view("안녕하세요 🔥 and a NUL-free tail")));
        EXPECT_EQ(insert->step().value(), false);
    }
    auto db = Database::open(dir_ / "history.db");
    ASSERT_TRUE(db.has_value());
    auto select = db->prepare("SELECT id, body FROM notes");
    ASSERT_TRUE(select.has_value());
    ASSERT_EQ(select->step().value(), true);
    EXPECT_EQ(select->column_int64(0), 42);
    EXPECT_EQ(select->column_text(1), "안녕하세요 🔥 and a NUL-free tail");
    EXPECT_EQ(select->step().value(), false);
}

TEST_F(SqliteDatabaseTest, ForeignKeysAreEnforced) {
    auto db = Database::open(dir_ / "history.db");
    ASSERT_TRUE(db.has_value());
    ASSERT_TRUE(db->execute("CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                            "CREATE TABLE child(parent_id INTEGER REFERENCES parent(id));"));
    auto orphan = db->execute("INSERT INTO child(parent_id) VALUES (7)");
    ASSERT_FALSE(orphan.has_value());
    EXPECT_NE(orphan.error().detail.find("FOREIGN KEY"), std::string::npos);
}

TEST_F(SqliteDatabaseTest, UnopenablePathGivesAnErrorNamingThePath) {
    const fs::path path = dir_ / "missing-folder" / "history.db";
    auto db = Database::open(path);
    ASSERT_FALSE(db.has_value());
    EXPECT_EQ(db.error().message, "Cannot open the database " + path.string());
}

TEST_F(SqliteDatabaseTest, SqlErrorsAreValuesWithSqlitesMessage) {
    auto db = Database::open(dir_ / "history.db");
    ASSERT_TRUE(db.has_value());
    auto bad = db->prepare("SELEC 1");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().detail.find("syntax error"), std::string::npos) << bad.error().detail;
}

} // namespace
