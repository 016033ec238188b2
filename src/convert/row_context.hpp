// The error context both readers of SQLite rows (the foreign scan and the migration's copy)
// attach while converting a row: "SQLite table "t", column "c", rowid 42". It looks at the rowid
// only when an error actually fires, so it costs nothing per row.
#pragma once

#include "pg/pg_headers.hpp"

#include "core/sqlite_value.hpp"

namespace hangar {

struct RowContext {
  const char *table;
  const char *const *columns;  // SQLite column names, by SELECT position
  const SqliteValue *rowid;    // the current row's rowid; nullptr when the table has none
  int current_column;          // column being converted, -1 between columns
  int64 row_number;            // 1-based position of the row in the scan, for tables without rowid
  // A table without rowid (WITHOUT ROWID) is named by its primary key when these are set: the
  // current row's values by SELECT position, and the key's positions among them.
  const SqliteValue *values = nullptr;
  const int *key_columns = nullptr;
  int nkey_columns = 0;
};

// An ErrorContextCallback function; arg is a RowContext.
void row_error_context(void *arg);

// The rowid of the current row, or its position when the table has none.
int64 current_rowid(const RowContext &row, bool *is_rowid);

// "row with k = 'a'": the current row of a table without rowid by its primary key (palloc'd);
// nullptr when the table has a rowid or its key is not known.
char *current_row_key(const RowContext &row);

// The current row as messages name it: its key (current_row_key), else "rowid 7", or "row 7"
// for a table without rowid (palloc'd).
char *current_row_name(const RowContext &row);

}  // namespace hangar
