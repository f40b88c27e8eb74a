#include "sqlite_database.h"

#include <sqlite3.h>
#include <utility>

namespace hearth::store {
namespace {

constexpr int busy_timeout_ms = 5000;

std::unexpected<Error> fail_sqlite(sqlite3* db, std::string what) {
    return fail("Database: " + what + " failed", db ? sqlite3_errmsg(db) : "out of memory");
}

} // namespace

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    std::swap(db_, other.db_);
    std::swap(statement_, other.statement_);
    return *this;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Result<void> Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) {
        return fail_sqlite(db_, "binding a value");
    }
    return {};
}

Result<void> Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) != SQLITE_OK) {
        return fail_sqlite(db_, "binding text");
    }
    return {};
}

Result<bool> Statement::step() {
    switch (sqlite3_step(statement_)) {
    case SQLITE_ROW: return true;
    case SQLITE_DONE: return false;
    default: return fail_sqlite(db_, "running a statement");
    }
}

std::int64_t Statement::column_int64(int index) const {
    return sqlite3_column_int64(statement_, index);
}

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(statement_, index);
    const int length = sqlite3_column_bytes(statement_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(length))
                : std::string();
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

Result<Database> Database::open(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    Database database(db); // closes the handle on every path below, even when open failed
    if (rc != SQLITE_OK) {
        return fail("Cannot open the database " + path.string(),
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(db, busy_timeout_ms);
    auto mode = database.query_text("PRAGMA journal_mode=WAL");
    if (!mode) return std::unexpected(mode.error());
    if (*mode != "wal") {
        return fail("Cannot use write-ahead logging for " + path.string(), "journal_mode=" + *mode);
    }
    if (auto ok = database.execute("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL"); !ok) {
        return std::unexpected(ok.error());
    }
    return database;
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    std::swap(db_, other.db_);
    return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<void> Database::execute(std::string_view sql) {
    const std::string text{sql};
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return fail("Database: a statement failed", std::move(detail));
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
        SQLITE_OK) {
        return fail_sqlite(db_, "preparing a statement");
    }
    return Statement(db_, statement);
}

Result<std::string> Database::query_text(std::string_view sql) {
    auto statement = prepare(sql);
    if (!statement) return std::unexpected(statement.error());
    auto row = statement->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail("Database: a query returned no rows", std::string(sql));
    return statement->column_text(0);
}

} // namespace hearth::store
