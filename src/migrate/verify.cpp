// hangar_verify(): re-reads every table of the SQLite file (one snapshot), converts each value to
// the type of its column in the migrated table, and compares row counts and content checksums
// with a scan of that table. A value that no longer converts, a missing, added or changed row,
// or a single changed value makes the table unverified; the detail says which. A table migrated
// from the file that SQLite no longer has is reported unverified too.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/table.h"
#include "utils/lsyscache.h"
}

#include "pg/error_bridge.hpp"
#include "core/migration_planner.hpp"
#include "pg/quoting.hpp"

namespace hangar {

ReportRow verify_table(sqlite3 *db, const MigrationSource &source, const MigrationPlan &plan, const PlannedTable &t) {
  PostgresQuoter quote;
  ReportRow row;
  row.table_name = t.sqlite_name;
  row.target_table = quote.qualified(plan.schema, t.pg_name);
  Oid relid = target_relid(plan, t);
  if (!OidIsValid(relid)) {
    row.verified = 0;
    row.detail = "the target table does not exist";
    return row;
  }
  Relation rel = pg_guard([&] { return table_open(relid, AccessShareLock); });
  CopySpec spec = copy_spec(t, rel, false, OnError::Reject, 0);
  CopyResult result;
  TableChecksum target;
  pg_guard([&] {
    result = copy_table(db, spec, rel, source.server);
    target = table_checksum(rel, spec.attnums, spec.ncolumns);
    table_close(rel, NoLock);
  });
  row.has_counts = true;
  row.rows = result.rows_copied + result.rows_rejected;
  row.other_rows = target.rows;
  row.seconds = result.seconds;
  row.verified = result.rows_rejected == 0 && result.source == target ? 1 : 0;
  if (result.rows_rejected > 0)
    row.detail = std::to_string(result.rows_rejected) + " SQLite rows do not convert to the target's column types";
  else if (row.rows != row.other_rows)
    row.detail = "row counts differ";
  else if (!row.verified)
    row.detail = "contents differ";
  return row;
}

namespace {

// A view is compared as hangar_migrate compares it, up to kViewRows rows.
ReportRow verify_view(sqlite3 *db, const MigrationSource &source, const MigrationPlan &plan, const PlannedTable &v) {
  constexpr int64 kViewRows = 100000;
  PostgresQuoter quote;
  ReportRow row;
  row.table_name = v.sqlite_name;
  row.target_table = quote.qualified(plan.schema, v.pg_name);
  if (v.columns.empty()) {  // a view the migration does not create either: why, as it says
    for (const std::string &note : v.notes) row.detail += (row.detail.empty() ? "" : "; ") + note;
    return row;
  }
  if (!OidIsValid(target_relid(plan, v))) {
    row.verified = 0;
    row.detail = "the target view does not exist";
    return row;
  }
  ViewComparison c = compare_view(db, plan, v, kViewRows, source.server);
  row.has_counts = c.outcome != ViewComparison::TooManyRows;
  row.rows = c.sqlite_rows;
  row.other_rows = c.pg_rows;
  row.verified = c.outcome == ViewComparison::Same ? 1 : c.outcome == ViewComparison::Differs ? 0 : -1;
  if (c.outcome == ViewComparison::TooManyRows)
    row.detail = "not compared: the view has more than " + std::to_string(kViewRows) + " rows";
  else if (c.outcome == ViewComparison::Differs)
    row.detail = c.sqlite_rows != c.pg_rows ? "row counts differ" : "contents differ";
  return row;
}

}  // namespace

std::vector<ReportRow> verify_migration(const char *source_text, const MigrationOptions &options) {
  MigrationSource source = pg_guard([&] { return resolve_source(source_text); });
  MigrationPlan plan;
  build_plan(source, options, &plan);
  sqlite3 *db = pg_guard([&] { return connection_acquire(source.path, source.server.busy_timeout_ms).handle(); });
  std::vector<ReportRow> rows;
  for (const PlannedTable &t : plan.tables) rows.push_back(t.is_view ? verify_view(db, source, plan, t)
                                                                     : verify_table(db, source, plan, t));
  for (ReportRow &gone : tables_gone_from_source(source.path, plan)) rows.push_back(std::move(gone));
  return rows;
}

}  // namespace hangar
