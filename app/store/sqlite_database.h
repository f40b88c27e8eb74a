// A small RAII layer over the sqlite3 C API: one connection, prepared statements, transactions,
// errors as values. No Qt here, so the CLI and the tests use the store directly.
//
// Threading: a Database and its Statements belong to one thread at a time (the connection is
// opened in serialized mode, so misuse is safe, only slow).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

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
    Result<void> bind(int index, double value);
    Result<void> bind(int index, std::string_view text);
    // std::nullopt binds NULL.
    Result<void> bind(int index, std::optional<std::int64_t> value);
    Result<void> bind_null(int index);
    // Binds values to parameters 1, 2, ...: integers and bools as int64, floating point as
    // double, std::nullopt as NULL, strings as text.
    template <typename... Values>
    Result<void> bind_all(const Values&... values) {
        int index = 0;
        Result<void> result;
        ((result ? (result = bind_value(++index, values), void()) : void()), ...);
        return result;
    }
    // true while a row is available; false when the statement is done.
    Result<bool> step();
    // Steps a statement that returns no rows (INSERT, UPDATE, DELETE).
    Result<void> run();
    std::int64_t column_int64(int index) const;
    double column_double(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;
    std::optional<std::int64_t> column_optional_int64(int index) const;
    void reset();

  private:
    template <typename T>
    Result<void> bind_value(int index, const T& value) {
        if constexpr (std::is_integral_v<T>) {
            return bind(index, static_cast<std::int64_t>(value));
        } else if constexpr (std::is_floating_point_v<T>) {
            return bind(index, static_cast<double>(value));
        } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
            return bind_null(index);
        } else if constexpr (std::is_same_v<T, std::optional<std::int64_t>>) {
            return bind(index, value);
        } else {
            return bind(index, std::string_view(value));
        }
    }

    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
    sqlite3* db_;
    sqlite3_stmt* statement_;
};

class Database;

// BEGIN IMMEDIATE on creation; rolled back on destruction unless commit() succeeded.
class Transaction {
  public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

  private:
    friend class Database;
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_;
};

class Database {
  public:
    struct OpenOptions {
        bool create = true;     // create the file when it does not exist
        bool read_only = false; // never write; fails where a write would be needed
    };

    // Opens (creating if needed) the database at `path` and configures it: WAL mode, foreign keys
    // and a busy timeout, so a second process waits instead of failing at once.
    static Result<Database> open(const std::filesystem::path& path);
    // Opens the connection with a busy timeout but writes nothing, so the caller can check what
    // the file is before configure() changes it.
    static Result<Database> open_connection(const std::filesystem::path& path, OpenOptions options);
    // WAL mode (unless read-only), foreign keys on, synchronous=NORMAL.
    Result<void> configure();

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // Runs one or more statements that return no rows.
    Result<void> execute(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // The first column of the first row of `sql` as text (for PRAGMAs and counts).
    Result<std::string> query_text(std::string_view sql);
    Result<std::int64_t> query_int64(std::string_view sql);
    Result<Transaction> begin();

    std::int64_t last_insert_rowid() const;
    // Rows changed by the latest INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    bool read_only() const;
    const std::filesystem::path& path() const { return path_; }

  private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_;
    std::filesystem::path path_;
};

} // namespace hearth::store
