// A copied table's rows as the checks after the copy meet them (orphans, converted duplicate
// keys): named by their SQLite rowid, and in reject mode taken out of the table and the copy's
// checksum, each handed to the caller to record with its reason.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
}

namespace hangar {

namespace {

constexpr long kDeletedBatch = 1000;

}  // namespace

bool copied_rowid(const CopiedRows &rows, HeapTuple tuple, TupleDesc desc, int64 *rowid) {
  bool isnull;
  if (rows.rowid_alias) {
    int column = SPI_fnumber(desc, rows.rowid_alias);
    Datum d = SPI_getbinval(tuple, desc, column, &isnull);
    if (isnull) return false;
    Oid type = SPI_gettypeid(desc, column);
    *rowid = type == INT8OID ? DatumGetInt64(d) : type == INT2OID ? DatumGetInt16(d) : DatumGetInt32(d);
    return true;
  }
  if (!rows.rowids) return false;
  ItemPointer ctid = reinterpret_cast<ItemPointer>(DatumGetPointer(SPI_getbinval(tuple, desc, 1, &isnull)));
  return !isnull && rowid_map_find(rows.rowids, ctid, rowid);
}

int64 delete_copied_rows(const CopiedRows &rows, const char *condition, Relation rel, const AttrNumber *attnums,
                         int nattnums, TableChecksum *checksum, void (*record)(void *arg, HeapTuple tuple, TupleDesc desc),
                         void *arg) {
  // A cursor over DELETE ... RETURNING keeps the deleted rows in a tuplestore that spills to
  // disk beyond work_mem; they are read back a batch at a time.
  SPIPlanPtr plan =
      SPI_prepare(psprintf("DELETE FROM %s c WHERE %s RETURNING c.ctid, c.*", rows.table, condition), 0, nullptr);
  if (!plan) elog(ERROR, "could not prepare the removal of rows: %s", SPI_result_code_string(SPI_result));
  Portal portal = SPI_cursor_open(nullptr, plan, nullptr, nullptr, false);
  TupleDesc desc = RelationGetDescr(rel);
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * desc->natts));
  bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
  MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar removed row", ALLOCSET_SMALL_SIZES);
  int64 count = 0;
  for (;;) {
    SPI_cursor_fetch(portal, true, kDeletedBatch);
    SPITupleTable *fetched = SPI_tuptable;
    uint64 n = SPI_processed;
    if (n == 0) break;
    for (uint64 r = 0; r < n; ++r) {
      CHECK_FOR_INTERRUPTS();
      MemoryContext old = MemoryContextSwitchTo(row_context);
      for (int a = 0; a < desc->natts; ++a)  // the table's columns follow the ctid
        values[a] = SPI_getbinval(fetched->vals[r], fetched->tupdesc, a + 2, &nulls[a]);
      checksum->remove(row_hash(desc, attnums, nattnums, values, nulls));
      record(arg, fetched->vals[r], fetched->tupdesc);
      MemoryContextSwitchTo(old);
      MemoryContextReset(row_context);
    }
    count += static_cast<int64>(n);
    SPI_freetuptable(fetched);
  }
  SPI_cursor_close(portal);
  SPI_freeplan(plan);
  MemoryContextDelete(row_context);
  return count;
}

char *key_column_list(const char *const *names, int n) {
  StringInfoData s;
  initStringInfo(&s);
  for (int i = 0; i < n; ++i) appendStringInfo(&s, "%s%s", i ? ", " : "", names[i]);
  return s.data;
}

char *key_assignments(const char *const *names, const char *const *values, int n) {
  StringInfoData s;
  initStringInfo(&s);
  for (int i = 0; i < n; ++i) appendStringInfo(&s, "%s%s = %s", i ? ", " : "", names[i], values[i] ? values[i] : "NULL");
  return s.data;
}

}  // namespace hangar
