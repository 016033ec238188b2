// Recording rejected rows in hangar.rejects, the extension's own bookkeeping table (never in the
// target schema). Rows go in through an ordinary INSERT (a saved plan, run with SPI), so the
// table's indexes, constraints and triggers all apply, executed as the table's owner the way
// PostgreSQL runs foreign-key checks as the owner: a migration in reject mode works for any role
// allowed to run it, while reading the table is what its owner grants.
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

Oid bookkeeping_relid(const char *name) {
  Oid relid = get_relname_relid(name, get_namespace_oid("hangar", false));
  if (!OidIsValid(relid))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"hangar.%s\" does not exist", name),
                    errhint("The hangar_fdw extension's install script creates it; reinstall the extension.")));
  return relid;
}

Datum text_or_null(const char *s, char *null_flag) {
  *null_flag = s ? ' ' : 'n';
  return s ? CStringGetTextDatum(s) : (Datum)0;
}

Oid relation_owner(Oid relid) {
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for relation %u", relid);
  Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
  ReleaseSysCache(tuple);
  return owner;
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

int64 next_run_id() {
  return DatumGetInt64(DirectFunctionCall1(nextval_oid, ObjectIdGetDatum(bookkeeping_relid("run_id_seq"))));
}

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
  Oid owner = relation_owner(bookkeeping_relid("rejects"));
  Oid saved_user;
  int saved_context;
  GetUserIdAndSecContext(&saved_user, &saved_context);
  // The transaction's abort restores the user should the insert fail.
  SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
  int rc = SPI_execute_plan(prepared_insert(), values, nulls, false, 1);
  SetUserIdAndSecContext(saved_user, saved_context);
  if (rc != SPI_OK_INSERT) elog(ERROR, "could not record a rejected row: %s", SPI_result_code_string(rc));
}

}  // namespace hangar
