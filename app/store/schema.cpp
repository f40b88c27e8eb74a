#include "schema.h"

#include <string>

namespace hearth::store {

Result<std::int64_t> schema_version(Database& db) { return db.query_int64("PRAGMA user_version"); }

Result<void> check_identity(Database& db, std::int64_t newest_known) {
    const std::string name = db.path().string();
    // The first read of the header: fails for a file that is not SQLite at all.
    auto objects = db.query_int64("SELECT count(*) FROM sqlite_master");
    if (!objects) {
        return fail(name + " is not a Hearth database (not an SQLite file); it was left untouched",
                    objects.error().detail);
    }
    auto application = db.query_int64("PRAGMA application_id");
    auto version = schema_version(db);
    if (!application) return std::unexpected(application.error());
    if (!version) return std::unexpected(version.error());
    if (*application == 0 && *version == 0 && *objects == 0) return {}; // empty: becomes ours
    if (*application != hearth_application_id) {
        return fail(name + " is not a Hearth database (another application's SQLite file); it was "
                           "left untouched",
                    "application_id=" + std::to_string(*application) + ", user_version=" +
                        std::to_string(*version) + ", schema objects=" + std::to_string(*objects));
    }
    if (*version > newest_known) {
        return fail(name + " was written by a newer version of Hearth; it was left untouched",
                    "schema version " + std::to_string(*version) + ", this build knows up to " +
                        std::to_string(newest_known));
    }
    return {};
}

namespace {

// Foreign keys off while migrations run, as SQLite's way of rebuilding a table needs (dropping a
// table that others refer to would otherwise act on them), and as they were afterwards. The
// pragma does nothing inside a transaction, so it is set around them.
class ForeignKeysOff {
  public:
    explicit ForeignKeysOff(Database& db) : db_(db) {
        was_on_ = db.query_int64("PRAGMA foreign_keys").value_or(0) == 1;
        if (was_on_) (void)db_.execute("PRAGMA foreign_keys = OFF");
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
    ~ForeignKeysOff() {
        if (was_on_) (void)db_.execute("PRAGMA foreign_keys = ON");
    }

  private:
    Database& db_;
    bool was_on_ = false;
};

// Fails when a migration left a row that refers to one that does not exist.
Result<void> check_foreign_keys(Database& db) {
    auto broken = db.query_int64("SELECT count(*) FROM pragma_foreign_key_check");
    if (!broken) return std::unexpected(broken.error());
    if (*broken > 0) {
        return fail("the upgrade would leave rows referring to missing ones",
                    std::to_string(*broken) + " foreign key violations");
    }
    return {};
}

} // namespace

Result<void> migrate(Database& db, std::span<const Migration> steps) {
    const ForeignKeysOff foreign_keys_off(db);
    for (const Migration& step : steps) {
        auto version = schema_version(db);
        if (!version) return std::unexpected(version.error());
        if (step.to_version <= *version) continue;
        if (step.to_version != *version + 1) {
            return fail("Database: no migration from schema version " + std::to_string(*version),
                        "next known migration reaches " + std::to_string(step.to_version));
        }
        auto transaction = db.begin();
        if (!transaction) return std::unexpected(transaction.error());
        auto applied = step.apply(db);
        if (applied) applied = check_foreign_keys(db);
        if (applied) {
            applied = db.execute("PRAGMA user_version = " + std::to_string(step.to_version));
        }
        if (applied) applied = transaction->commit();
        if (!applied) {
            return fail("Cannot upgrade the database to schema version " +
                            std::to_string(step.to_version),
                        applied.error().message + ": " + applied.error().detail);
        }
    }
    return {};
}

} // namespace hearth::store
