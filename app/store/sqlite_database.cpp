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

Result<void> Statement::bind(int index, double value) {
    if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK) {
        return fail_sqlite(db_, "binding a number");
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

Result<void> Statement::bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
}

Result<void> Statement::bind_null(int index) {
    if (sqlite3_bind_null(statement_, index) != SQLITE_OK) {
        return fail_sqlite(db_, "binding NULL");
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

Result<void> Statement::run() {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    return {};
}

std::int64_t Statement::column_int64(int index) const {
    return sqlite3_column_int64(statement_, index);
}

double Statement::column_double(int index) const {
    return sqlite3_column_double(statement_, index);
}

std::string Statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(statement_, index);
    const int length = sqlite3_column_bytes(statement_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(length))
                : std::string();
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::column_optional_int64(int index) const {
    if (column_is_null(index)) return std::nullopt;
    return column_int64(index);
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
    if (db_) (void)db_->execute("ROLLBACK");
}

Result<void> Transaction::commit() {
    if (!db_) return fail("Database: commit of a finished transaction");
    auto ok = db_->execute("COMMIT");
    // A failed COMMIT (disk full) leaves the transaction open; the destructor rolls it back.
    if (ok) db_ = nullptr;
    return ok;
}

Result<Database> Database::open(const std::filesystem::path& path) {
    auto database = open_connection(path, {});
    if (!database) return database;
    if (auto ok = database->configure(); !ok) return std::unexpected(ok.error());
    return database;
}

Result<Database> Database::open_connection(const std::filesystem::path& path, OpenOptions options) {
    int flags = SQLITE_OPEN_FULLMUTEX;
    flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    Database database(db); // closes the handle on every path below, even when open failed
    database.path_ = path;
    if (rc != SQLITE_OK) {
        return fail("Cannot open the database " + path.string(),
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(db, busy_timeout_ms);
    return database;
}

Result<void> Database::configure() {
    if (!read_only()) {
        auto mode = query_text("PRAGMA journal_mode=WAL");
        if (!mode) return std::unexpected(mode.error());
        if (*mode != "wal") {
            return fail("Cannot use write-ahead logging for " + path_.string(),
                        "journal_mode=" + *mode);
        }
    }
    return execute("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
    std::swap(db_, other.db_);
    std::swap(path_, other.path_);
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

Result<std::int64_t> Database::query_int64(std::string_view sql) {
    auto statement = prepare(sql);
    if (!statement) return std::unexpected(statement.error());
    auto row = statement->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail("Database: a query returned no rows", std::string(sql));
    return statement->column_int64(0);
}

Result<Transaction> Database::begin() {
    if (auto ok = execute("BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
    return Transaction(this);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

bool Database::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

} // namespace hearth::store
