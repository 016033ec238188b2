// SQLite statements owned by a PostgreSQL memory context: the context's reset or deletion (the
// end of the query, or an error anywhere, even one that skips the executor's End callback)
// finalizes the statement, so no path leaks it.
#include "pg/common.hpp"

#include "pg/error_bridge.hpp"

namespace hangar {

namespace {

struct Owner {
  sqlite3_stmt **stmt;
  MemoryContextCallback callback;
};

void finalize_owned(void *arg) {
  pg_nothrow("finalize a SQLite statement", [&] { finish_owned_statement(static_cast<Owner *>(arg)->stmt); });
}

}  // namespace

void finish_owned_statement(sqlite3_stmt **stmt) {
  if (*stmt) sqlite3_finalize(*stmt);
  *stmt = nullptr;
}

void prepare_owned_statement(sqlite3 *db, const char *sql, sqlite3_stmt **stmt, const char *what) {
  Owner *owner = static_cast<Owner *>(palloc(sizeof(Owner)));
  *stmt = nullptr;
  owner->stmt = stmt;
  owner->callback.func = finalize_owned;
  owner->callback.arg = owner;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &owner->callback);
  int rc = sqlite3_prepare_v2(db, sql, -1, stmt, nullptr);
  if (rc != SQLITE_OK) report_sqlite_error(db, rc, what);
}

}  // namespace hangar
