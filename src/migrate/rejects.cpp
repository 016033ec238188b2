// Recording rejected rows in hangar.rejects, the extension's own bookkeeping table (never in the
// target schema). Rows go in through an ordinary INSERT (a saved plan, run with SPI), so the
// table's indexes, constraints and triggers all apply, executed as the table's owner
// (bookkeeping.cpp).
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace hangar {

namespace {

Datum text_or_null(const char *s, char *null_flag) {
  *null_flag = s ? ' ' : 'n';
  return s ? CStringGetTextDatum(s) : (Datum)0;
}

SPIPlanPtr insert_plan = nullptr;  // kept for the backend's life; the plan cache revalidates it

SPIPlanPtr prepared_insert() {
  if (insert_plan) return insert_plan;
  Oid types[7] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
  SPIPlanPtr plan = SPI_prepare(
      "INSERT INTO hangar.rejects (run_id, table_name, rowid, column_name, raw_value, reason, sqlstate) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      7, types);
  if (!plan) elog(ERROR, "could not prepare the insert into hangar.rejects: %s", SPI_result_code_string(SPI_result));
  if (SPI_keepplan(plan) != 0) elog(ERROR, "could not keep the plan of the insert into hangar.rejects");
  insert_plan = plan;
  return plan;
}

}  // namespace

void record_reject(int64 run_id, const char *table, bool has_rowid, int64 rowid, const char *column,
                   const char *raw_value, int sqlstate, const char *reason) {
  Datum values[7];
  char nulls[7] = {' ', ' ', has_rowid ? ' ' : 'n', ' ', ' ', ' ', ' '};
  values[0] = Int64GetDatum(run_id);
  values[1] = CStringGetTextDatum(table);
  values[2] = Int64GetDatum(rowid);
  values[3] = text_or_null(column, &nulls[3]);
  values[4] = text_or_null(raw_value, &nulls[4]);
  values[5] = CStringGetTextDatum(reason);
  values[6] = CStringGetTextDatum(unpack_sql_state(sqlstate));
  int rc = 0;
  as_bookkeeping_owner("rejects", [&] { rc = SPI_execute_plan(prepared_insert(), values, nulls, false, 1); });
  if (rc != SPI_OK_INSERT) elog(ERROR, "could not record a rejected row: %s", SPI_result_code_string(rc));
}

}  // namespace hangar
