// A small RAII layer over the sqlite3 C API: one connection, prepared statements, errors as values.
// No Qt here, so the CLI and the tests use the store directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "hearth/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hearth::store {

class Statement {
  public:
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    // Parameters are 1-based, as in SQL.
    Result<void> bind(int index, std::int64_t value);
    Result<void> bind(int index, std::string_view text);
    // true while a row is available; false when the statement is done.
    Result<bool> step();
    std::int64_t column_int64(int index) const;
    std::string column_text(int index) const;
    void reset();

  private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

class Database {
  public:
    // Opens (creating if needed) the database at `path` in WAL mode with foreign keys on and a
    // busy timeout, so a second process waits instead of failing at once.
    static Result<Database> open(const std::filesystem::path& path);
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // Runs one or more statements that return no rows.
    Result<void> execute(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // The first column of the first row of `sql` as text (for PRAGMAs and counts).
    Result<std::string> query_text(std::string_view sql);

  private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

} // namespace hearth::store
