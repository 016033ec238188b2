// Orphan rows: a child row whose foreign key names a parent row that is not in the target,
// because SQLite never had it (apps often run with PRAGMA foreign_keys off) or because the
// parent was rejected. Stop mode names the first orphans by their SQLite rowid; reject mode
// removes them (with their own children, as the caller repeats until nothing changes) and
// records each with its reason, so every foreign key still holds.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
}

#include "core/sqlite_db.hpp"
#include "pg/error_bridge.hpp"

namespace hangar {

namespace {

constexpr int kNamedOrphans = 5;

// WHERE clause selecting the orphans of q in child c (parent p), MATCH SIMPLE semantics: a
// row with any NULL in its foreign key columns is not checked.
char *orphan_condition(const OrphanQuery &q) {
  StringInfoData sql;
  initStringInfo(&sql);
  for (int i = 0; i < q.ncolumns; ++i) appendStringInfo(&sql, "c.%s IS NOT NULL AND ", quote_identifier(q.child_columns[i]));
  appendStringInfo(&sql, "NOT EXISTS (SELECT 1 FROM %s p WHERE ", q.parent_table);
  for (int i = 0; i < q.ncolumns; ++i)
    appendStringInfo(&sql, "%sp.%s = c.%s", i ? " AND " : "", quote_identifier(q.parent_columns[i]),
                     quote_identifier(q.child_columns[i]));
  appendStringInfoChar(&sql, ')');
  return sql.data;
}

// A SQLite identifier in double quotes (palloc'd).
char *quote_sqlite_name(const char *name) { return palloc_string(quote_sqlite_identifier(name)); }

// A prepared SQLite lookup by column values given as text (SQLite applies the columns'
// affinity to them): whether a row matches. Finalized by a reset callback of the memory context
// it was made in.
struct SqliteLookup {
  sqlite3_stmt *stmt;
  int ncolumns;
  MemoryContextCallback cleanup;
};

SqliteLookup *prepare_lookup(sqlite3 *db, const char *table, int n, const char *const *columns) {
  SqliteLookup *lookup = static_cast<SqliteLookup *>(palloc0(sizeof(SqliteLookup)));
  lookup->ncolumns = n;
  lookup->cleanup.func = [](void *arg) {
    pg_nothrow("finalize a SQLite statement", [&] {
      SqliteLookup *l = static_cast<SqliteLookup *>(arg);
      if (l->stmt) sqlite3_finalize(l->stmt);
      l->stmt = nullptr;
    });
  };
  lookup->cleanup.arg = lookup;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &lookup->cleanup);
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql, "SELECT 1 FROM %s", quote_sqlite_name(table));
  for (int i = 0; i < n; ++i) appendStringInfo(&sql, "%s%s = ?", i ? " AND " : " WHERE ", quote_sqlite_name(columns[i]));
  appendStringInfoString(&sql, " LIMIT 1");
  int rc = sqlite3_prepare_v2(db, sql.data, -1, &lookup->stmt, nullptr);
  if (rc != SQLITE_OK) report_sqlite_error(db, rc, psprintf("could not look up rows of SQLite table \"%s\"", table));
  return lookup;
}

bool sqlite_match(SqliteLookup *lookup, const char *const *values) {
  sqlite3_reset(lookup->stmt);
  for (int i = 0; i < lookup->ncolumns; ++i) sqlite3_bind_text(lookup->stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(lookup->stmt) == SQLITE_ROW;
  sqlite3_reset(lookup->stmt);
  return found;
}

// The orphan's foreign key values as text, in q's column order (attribute positions given).
const char **key_values(HeapTuple tuple, TupleDesc desc, const int *fnumbers, int n) {
  const char **values = static_cast<const char **>(palloc(sizeof(char *) * n));
  for (int i = 0; i < n; ++i) values[i] = SPI_getvalue(tuple, desc, fnumbers[i]);
  return values;
}

char *describe_key(const OrphanQuery &q, const char *const *values) {
  return key_assignments(q.child_sqlite_columns, values, q.ncolumns);
}

int *column_positions(const OrphanQuery &q, TupleDesc desc) {
  int *positions = static_cast<int *>(palloc(sizeof(int) * q.ncolumns));
  for (int i = 0; i < q.ncolumns; ++i) positions[i] = SPI_fnumber(desc, q.child_columns[i]);
  return positions;
}

}  // namespace

void raise_orphans(const OrphanQuery &q) {
  char *condition = orphan_condition(q);
  spi_run(psprintf("SELECT count(*) FROM %s c WHERE %s", q.child.table, condition));
  bool isnull;
  int64 count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  spi_run(psprintf("SELECT c.ctid, c.* FROM %s c WHERE %s LIMIT %d", q.child.table, condition, kNamedOrphans));
  SPITupleTable *rows = SPI_tuptable;
  uint64 nrows = SPI_processed;
  int *positions = column_positions(q, rows->tupdesc);
  StringInfoData named;
  initStringInfo(&named);
  for (uint64 r = 0; r < nrows; ++r) {
    const char **values = key_values(rows->vals[r], rows->tupdesc, positions, q.ncolumns);
    int64 rowid;
    bool known = copied_rowid(q.child, rows->vals[r], rows->tupdesc, &rowid);
    if (named.len) appendStringInfoString(&named, "; ");
    if (known) appendStringInfo(&named, "rowid " INT64_FORMAT " (%s)", rowid, describe_key(q, values));
    else appendStringInfo(&named, "a row with %s", describe_key(q, values));
  }
  ereport(ERROR,
          (errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
           errmsg("%s of SQLite table \"%s\" does not hold: " INT64_FORMAT " rows refer to rows of \"%s\" that do not exist",
                  q.label, q.child.sqlite_name, count, q.parent_sqlite),
           errdetail("The first of them: %s.", named.data),
           errhint("Run hangar_migrate with on_error => 'reject' to leave such rows out and record them in "
                   "hangar.rejects, or fix them in the SQLite file.")));
  pg_unreachable();
}

int64 reject_orphans(sqlite3 *db, const OrphanQuery &q, int64 run_id, Relation child, const AttrNumber *attnums,
                     int nattnums, TableChecksum *checksum) {
  const char *columns = key_column_list(q.child_sqlite_columns, q.ncolumns);
  SqliteLookup *parent_lookup = prepare_lookup(db, q.parent_sqlite, q.ncolumns, q.parent_sqlite_columns);
  // where the foreign key's columns are in the deleted rows: found at the first, kept past the
  // per-row memory context
  int *positions = nullptr;
  MemoryContext call_context = CurrentMemoryContext;
  return delete_copied_rows(q.child, orphan_condition(q), child, attnums, nattnums, checksum,
                            [&](HeapTuple tuple, TupleDesc desc) {
                              if (!positions) {
                                MemoryContext row_context = MemoryContextSwitchTo(call_context);
                                positions = column_positions(q, desc);
                                MemoryContextSwitchTo(row_context);
                              }
                              const char **keys = key_values(tuple, desc, positions, q.ncolumns);
                              int64 rowid = 0;
                              bool known = copied_rowid(q.child, tuple, desc, &rowid);
                              const char *reason =
                                  sqlite_match(parent_lookup, keys)
                                      ? psprintf("%s: its parent row in \"%s\" (%s) was rejected", q.label,
                                                 q.parent_sqlite, describe_key(q, keys))
                                      : psprintf("%s: no row of \"%s\" matches %s", q.label, q.parent_sqlite,
                                                 describe_key(q, keys));
                              record_reject(run_id, q.child.sqlite_name, known, rowid, columns,
                                            describe_key(q, keys), ERRCODE_FOREIGN_KEY_VIOLATION, reason);
                            });
}

}  // namespace hangar
