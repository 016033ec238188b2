// A created view is verified like a table (DESIGN.md principle 7): its rows on SQLite, each value
// converted to the type of the view's column in PostgreSQL, and its rows in PostgreSQL must have
// the same count and the same order-independent checksum. The comparison is bounded: a view with
// more rows than the limit is not compared (and says so), so that a view over a large table does
// not cost a second copy of it.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/table.h"
#include "utils/rel.h"
}

#include "core/migration_planner.hpp"
#include "pg/error_bridge.hpp"
#include "pg/quoting.hpp"

namespace hangar {

namespace {

// spec: the copy of the view, not inserting; qualified: the view's quoted name.
ViewComparison compare_rows(sqlite3 *db, const CopySpec &spec, Relation view, const char *qualified, int64 limit,
                            const ServerOptions &server) {
  ViewComparison result;
  CopySpec limited = spec;
  limited.select_sql = psprintf("%s LIMIT " INT64_FORMAT, spec.select_sql, limit + 1);
  CopyResult sqlite_side = copy_table(db, limited, view, server);
  result.sqlite_rows = sqlite_side.rows_copied + sqlite_side.rows_rejected;
  if (result.sqlite_rows > limit) {
    result.outcome = ViewComparison::TooManyRows;
    return result;
  }
  TableChecksum pg_side = query_checksum(psprintf("SELECT * FROM %s LIMIT " INT64_FORMAT, qualified, limit + 1),
                                         RelationGetDescr(view), spec.attnums, spec.ncolumns);
  result.pg_rows = pg_side.rows;
  result.unconverted = sqlite_side.rows_rejected;
  result.outcome = sqlite_side.rows_rejected == 0 && pg_side == sqlite_side.source ? ViewComparison::Same
                                                                                   : ViewComparison::Differs;
  return result;
}

}  // namespace

ViewComparison compare_view(sqlite3 *db, const MigrationPlan &plan, const PlannedTable &view, int64 limit,
                            const ServerOptions &server) {
  Oid relid = target_relid(plan, view);
  Relation rel = pg_guard([&] { return table_open(relid, AccessShareLock); });
  CopySpec spec = copy_spec(view, rel, false, OnError::Reject, 0);
  const char *qualified = palloc_string(PostgresQuoter().qualified(plan.schema, view.pg_name));
  ViewComparison result;
  pg_guard([&] {
    result = compare_rows(db, spec, rel, qualified, limit, server);
    table_close(rel, NoLock);
  });
  return result;
}

}  // namespace hangar
