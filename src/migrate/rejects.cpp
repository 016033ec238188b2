// Recording rejected rows in hangar.rejects, the extension's own bookkeeping table (never in
// the target schema). Rows are written directly, like PostgreSQL's own internal logging, so a
// migration in reject mode works for any role allowed to run it; reading the table is granted
// by its owner.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/sequence.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
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

Datum text_or_null(const char *s, bool *isnull) {
  *isnull = s == nullptr;
  return s ? CStringGetTextDatum(s) : (Datum)0;
}

}  // namespace

int64 next_run_id() {
  return DatumGetInt64(DirectFunctionCall1(nextval_oid, ObjectIdGetDatum(bookkeeping_relid("run_id_seq"))));
}

void record_reject(int64 run_id, const char *table, bool has_rowid, int64 rowid, const char *column,
                   const char *raw_value, int sqlstate, const char *reason) {
  Relation rel = table_open(bookkeeping_relid("rejects"), RowExclusiveLock);
  Datum values[7];
  bool nulls[7] = {false, false, !has_rowid, false, false, false, false};
  values[0] = Int64GetDatum(run_id);
  values[1] = CStringGetTextDatum(table);
  values[2] = Int64GetDatum(rowid);
  values[3] = text_or_null(column, &nulls[3]);
  values[4] = text_or_null(raw_value, &nulls[4]);
  values[5] = CStringGetTextDatum(reason);
  values[6] = CStringGetTextDatum(unpack_sql_state(sqlstate));
  HeapTuple tuple = heap_form_tuple(RelationGetDescr(rel), values, nulls);
  simple_heap_insert(rel, tuple);
  heap_freetuple(tuple);
  table_close(rel, NoLock);
}

}  // namespace hangar
