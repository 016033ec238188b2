// Error context for row conversion (see row_context.hpp).
#include "convert/row_context.hpp"

namespace hangar {

int64 current_rowid(const RowContext &row, bool *is_rowid) {
  *is_rowid = row.rowid != nullptr;
  return *is_rowid ? row.rowid->integer : row.row_number;
}

void row_error_context(void *arg) {
  const RowContext *row = static_cast<const RowContext *>(arg);
  const char *column = row->current_column >= 0 ? row->columns[row->current_column] : nullptr;
  bool is_rowid;
  int64 id = current_rowid(*row, &is_rowid);
  const char *what = is_rowid ? "rowid" : "row";
  if (column)
    errcontext("SQLite table \"%s\", column \"%s\", %s " INT64_FORMAT, row->table, column, what, id);
  else
    errcontext("SQLite table \"%s\", %s " INT64_FORMAT, row->table, what, id);
}

}  // namespace hangar
