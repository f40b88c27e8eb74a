// The database's schema version and the forward migrations that reach it.
//
// A Hearth database carries PRAGMA application_id = hearth_application_id and PRAGMA user_version
// = its schema version. A migration brings version N-1 to N inside one transaction, so a failed
// migration leaves the file at N-1. Adding version 2 means one function and one list entry in
// migrations.cpp, and one fixture, tests/store/fixtures/schema-v2.sql (a version 2 database as
// that build writes it), so that every later version is tested to migrate from it.
#pragma once

#include <cstdint>
#include <span>

#include "sqlite_database.h"

namespace hearth::store {

// "Hrth" in ASCII.
inline constexpr std::int64_t hearth_application_id = 0x48727468;

struct Migration {
    std::int64_t to_version;
    Result<void> (*apply)(Database& db);
};

// The real migrations, in order: to_version 1, 2, ...
std::span<const Migration> migrations();

// The version a freshly opened database ends at.
std::int64_t current_schema_version();

// Says whether `db` is a Hearth database this build can use, an empty file that may become one,
// or something else (not SQLite, another application's file, a newer Hearth's file). Reads only:
// call it before anything writes to the file.
Result<void> check_identity(Database& db, std::int64_t newest_known = current_schema_version());

// Applies the migrations after the file's version, each in its own transaction, with foreign
// keys off (a step may rebuild a table) and checked before each commit.
Result<void> migrate(Database& db, std::span<const Migration> steps = migrations());

Result<std::int64_t> schema_version(Database& db);

} // namespace hearth::store
