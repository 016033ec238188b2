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

#include <string>

#include "core/sqlite_db.hpp"

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

// SQLite lookup by column values given as text (SQLite applies the columns' affinity to them):
// the first matching row's rowid, or whether a match exists when rowid_name is nullptr.
bool sqlite_match(sqlite3 *db, const char *table, const char *rowid_name, int n, const char *const *columns,
                  const char *const *values, int64 *rowid) {
  sqlite3_stmt *stmt = nullptr;
  {
    std::string sql = std::string("SELECT ") + (rowid_name ? rowid_name : "1") + " FROM " + quote_sqlite_identifier(table);
    for (int i = 0; i < n; ++i) sql += (i ? " AND " : " WHERE ") + quote_sqlite_identifier(columns[i]) + " = ?";
    sql += " LIMIT 1";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return false;
  }
  for (int i = 0; i < n; ++i) sqlite3_bind_text(stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(stmt) == SQLITE_ROW;
  if (found && rowid) *rowid = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return found;
}

// The orphan's foreign key values as text, in q's column order (attribute positions given).
const char **key_values(HeapTuple tuple, TupleDesc desc, const int *fnumbers, int n) {
  const char **values = static_cast<const char **>(palloc(sizeof(char *) * n));
  for (int i = 0; i < n; ++i) values[i] = SPI_getvalue(tuple, desc, fnumbers[i]);
  return values;
}

char *describe_key(const OrphanQuery &q, const char *const *values) {
  StringInfoData s;
  initStringInfo(&s);
  for (int i = 0; i < q.ncolumns; ++i)
    appendStringInfo(&s, "%s%s = %s", i ? ", " : "", q.child_sqlite_columns[i], values[i]);
  return s.data;
}

// The orphan's SQLite rowid: its INTEGER PRIMARY KEY when it has one, else looked up by key.
bool orphan_rowid(sqlite3 *db, const OrphanQuery &q, HeapTuple tuple, TupleDesc desc, const char *const *values,
                  int64 *rowid) {
  if (q.child_rowid_alias) {
    bool isnull;
    Datum d = SPI_getbinval(tuple, desc, SPI_fnumber(desc, q.child_rowid_alias), &isnull);
    if (isnull) return false;
    Oid type = SPI_gettypeid(desc, SPI_fnumber(desc, q.child_rowid_alias));
    *rowid = type == INT8OID ? DatumGetInt64(d) : type == INT2OID ? DatumGetInt16(d) : DatumGetInt32(d);
    return true;
  }
  return q.child_rowid_name &&
         sqlite_match(db, q.child_sqlite, q.child_rowid_name, q.ncolumns, q.child_sqlite_columns, values, rowid);
}

int *column_positions(const OrphanQuery &q, TupleDesc desc) {
  int *positions = static_cast<int *>(palloc(sizeof(int) * q.ncolumns));
  for (int i = 0; i < q.ncolumns; ++i) positions[i] = SPI_fnumber(desc, q.child_columns[i]);
  return positions;
}

}  // namespace

void raise_orphans(sqlite3 *db, const OrphanQuery &q) {
  char *condition = orphan_condition(q);
  spi_run(psprintf("SELECT count(*) FROM %s c WHERE %s", q.child_table, condition));
  bool isnull;
  int64 count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  spi_run(psprintf("SELECT * FROM %s c WHERE %s LIMIT %d", q.child_table, condition, kNamedOrphans));
  SPITupleTable *rows = SPI_tuptable;
  int *positions = column_positions(q, rows->tupdesc);
  StringInfoData named;
  initStringInfo(&named);
  for (uint64 r = 0; r < SPI_processed; ++r) {
    const char **values = key_values(rows->vals[r], rows->tupdesc, positions, q.ncolumns);
    int64 rowid;
    bool known = orphan_rowid(db, q, rows->vals[r], rows->tupdesc, values, &rowid);
    if (named.len) appendStringInfoString(&named, "; ");
    if (known) appendStringInfo(&named, "rowid " INT64_FORMAT " (%s)", rowid, describe_key(q, values));
    else appendStringInfo(&named, "a row with %s", describe_key(q, values));
  }
  ereport(ERROR,
          (errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
           errmsg("%s of SQLite table \"%s\" does not hold: " INT64_FORMAT " rows refer to rows of \"%s\" that do not exist",
                  q.label, q.child_sqlite, count, q.parent_sqlite),
           errdetail("The first of them: %s.", named.data),
           errhint("Run hangar_migrate with on_error => 'reject' to leave such rows out and record them in "
                   "hangar.rejects, or fix them in the SQLite file.")));
  pg_unreachable();
}

int64 reject_orphans(sqlite3 *db, const OrphanQuery &q, int64 run_id, Relation child, const AttrNumber *attnums,
                     int nattnums, TableChecksum *checksum) {
  spi_run(psprintf("DELETE FROM %s c WHERE %s RETURNING c.*", q.child_table, orphan_condition(q)));
  SPITupleTable *rows = SPI_tuptable;
  uint64 count = SPI_processed;
  int *positions = column_positions(q, rows->tupdesc);
  TupleDesc desc = RelationGetDescr(child);
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * desc->natts));
  bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
  StringInfoData columns;
  initStringInfo(&columns);
  for (int i = 0; i < q.ncolumns; ++i) appendStringInfo(&columns, "%s%s", i ? ", " : "", q.child_sqlite_columns[i]);
  for (uint64 r = 0; r < count; ++r) {
    heap_deform_tuple(rows->vals[r], desc, values, nulls);
    checksum->remove(row_hash(desc, attnums, nattnums, values, nulls));
    const char **keys = key_values(rows->vals[r], rows->tupdesc, positions, q.ncolumns);
    int64 rowid = 0;
    bool known = orphan_rowid(db, q, rows->vals[r], rows->tupdesc, keys, &rowid);
    bool parent_in_sqlite = sqlite_match(db, q.parent_sqlite, nullptr, q.ncolumns, q.parent_sqlite_columns, keys, nullptr);
    const char *reason =
        parent_in_sqlite
            ? psprintf("%s: its parent row in \"%s\" (%s) was rejected", q.label, q.parent_sqlite, describe_key(q, keys))
            : psprintf("%s: no row of \"%s\" matches %s", q.label, q.parent_sqlite, describe_key(q, keys));
    record_reject(run_id, q.child_sqlite, known, rowid, columns.data, describe_key(q, keys),
                  ERRCODE_FOREIGN_KEY_VIOLATION, reason);
  }
  SPI_freetuptable(rows);
  return static_cast<int64>(count);
}

}  // namespace hangar
