// Raising a SQLite failure as a PostgreSQL error from the PostgreSQL zone (the scan's hot path
// calls SQLite's C API directly and reports here). The SQLSTATE comes from the one mapping table
// in core/sqlite_status; an interrupted step first gives CHECK_FOR_INTERRUPTS the chance to
// raise PostgreSQL's own cancel or timeout error.
#include "pg/common.hpp"

#include "pg/error_bridge.hpp"
#include "core/sqlite_db.hpp"
#include "core/sqlite_status.hpp"

namespace hangar {

void report_sqlite_error(sqlite3 *db, int rc, const char *action) {
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    CHECK_FOR_INTERRUPTS();
    ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling SQLite query"),
                    errdetail("%s was interrupted.", action)));
  }
  const char *hint = hint_for_sqlite(rc);
  const char *said = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // collations the schema names and SQLite lacks, the likely cause
  const char *collations = db && (rc & 0xff) == SQLITE_ERROR ? missing_collations(db) : nullptr;
  if (collations)
    ereport(ERROR, (errcode(bridge::sqlstate_code(sqlstate_for_sqlite(rc))), errmsg("%s", action),
                    errdetail("SQLite said: %s. The schema names collations SQLite does not have (%s): the app that "
                              "wrote the file defines them in its own code.",
                              said, collations)));
  ereport(ERROR, (errcode(bridge::sqlstate_code(sqlstate_for_sqlite(rc))), errmsg("%s", action),
                  errdetail("SQLite said: %s.", said), hint[0] ? errhint("%s", hint) : 0));
  pg_unreachable();
}

}  // namespace hangar
