// Error context for row conversion (see row_context.hpp).
#include "convert/row_context.hpp"

#include "convert/value_convert.hpp"

extern "C" {
#include "lib/stringinfo.h"
}

namespace hangar {

int64 current_rowid(const RowContext &row, bool *is_rowid) {
  *is_rowid = row.rowid != nullptr;
  return *is_rowid ? row.rowid->integer : row.row_number;
}

char *current_row_key(const RowContext &row) {
  if (row.rowid || !row.values || row.nkey_columns == 0) return nullptr;
  StringInfoData s;
  initStringInfo(&s);
  appendStringInfoString(&s, "row with ");
  for (int k = 0; k < row.nkey_columns; ++k)
    appendStringInfo(&s, "%s%s = %s", k ? ", " : "", row.columns[row.key_columns[k]],
                     describe_sqlite_value(row.values[row.key_columns[k]]));
  return s.data;
}

char *current_row_name(const RowContext &row) {
  if (char *key = current_row_key(row)) return key;
  bool is_rowid;
  int64 id = current_rowid(row, &is_rowid);
  return psprintf("%s " INT64_FORMAT, is_rowid ? "rowid" : "row", id);
}

void row_error_context(void *arg) {
  const RowContext *row = static_cast<const RowContext *>(arg);
  const char *column = row->current_column >= 0 ? row->columns[row->current_column] : nullptr;
  char *which = current_row_name(*row);
  if (column)
    errcontext("SQLite table \"%s\", column \"%s\", %s", row->table, column, which);
  else
    errcontext("SQLite table \"%s\", %s", row->table, which);
}

}  // namespace hangar
