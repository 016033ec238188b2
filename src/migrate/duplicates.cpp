// Converted duplicate keys: two keys SQLite keeps apart (an integer and its text, say, in a
// column without a type) that the column's PostgreSQL type makes one. Reject mode keeps the
// first row of each key, in copy order (SQLite's), and takes the others out, recording each in
// hangar.rejects with the key it repeats.
#include "migrate/migrate.hpp"

extern "C" {
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
}

namespace hangar {

namespace {

// WHERE clause selecting every row of q's table but the first of each key, skipping keys with a
// NULL, which PostgreSQL's keys never compare equal. A new table filled by bulk insertion holds
// its rows in ctid order as they were copied.
char *later_copies_condition(const DuplicateQuery &q) {
  StringInfoData keys, not_null;
  initStringInfo(&keys);
  initStringInfo(&not_null);
  for (int i = 0; i < q.ncolumns; ++i) {
    const char *column = quote_identifier(q.columns[i]);
    appendStringInfo(&keys, "%s%s", i ? ", " : "", column);
    appendStringInfo(&not_null, "%s%s IS NOT NULL", i ? " AND " : "", column);
  }
  return psprintf("c.ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY %s ORDER BY ctid) AS copy "
                  "FROM %s WHERE %s) k WHERE copy > 1)",
                  keys.data, q.rows.table, not_null.data);
}

// "k = 1, j = 'a'": the key of a deleted row (ctid first, then the table's columns) as text.
char *describe_key(const DuplicateQuery &q, HeapTuple tuple, TupleDesc desc) {
  const char **values = static_cast<const char **>(palloc(sizeof(char *) * q.ncolumns));
  for (int i = 0; i < q.ncolumns; ++i) values[i] = SPI_getvalue(tuple, desc, SPI_fnumber(desc, q.columns[i]));
  return key_assignments(q.sqlite_columns, values, q.ncolumns);
}

}  // namespace

int64 reject_duplicates(const DuplicateQuery &q, int64 run_id, Relation rel, const AttrNumber *attnums, int nattnums,
                        TableChecksum *checksum) {
  const char *columns = key_column_list(q.sqlite_columns, q.ncolumns);
  return delete_copied_rows(q.rows, later_copies_condition(q), rel, attnums, nattnums, checksum,
                            [&](HeapTuple tuple, TupleDesc desc) {
                              int64 rowid = 0;
                              bool known = copied_rowid(q.rows, tuple, desc, &rowid);
                              char *key = describe_key(q, tuple, desc);
                              record_reject(run_id, q.rows.sqlite_name, known, rowid, columns, key,
                                            ERRCODE_UNIQUE_VIOLATION,
                                            psprintf("%s: converted to the column types, its key is an earlier "
                                                     "row's too",
                                                     q.label));
                            });
}

}  // namespace hangar
