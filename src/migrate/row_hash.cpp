// The content checksum of verification: a 64-bit hash (core/hash64) per row over the stored bytes of each
// value (detoasted, without varlena headers, so a value hashes the same whether it came from the
// converter or from disk), combined in column order; a table's checksum is the row count and
// the sum of its row hashes, so it does not depend on row order and catches one changed value.
// The same bytes, hashed twice with independent seeds, give hangar_sync its 128-bit row keys; a
// key of one by-value column is its bytes themselves (core/state_entries).
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "utils/snapmgr.h"
}

#include "core/hash64.hpp"
#include "core/state_entries.hpp"

namespace hangar {

namespace {

constexpr uint64 kNullHash = UINT64CONST(0x9e3779b97f4a7c15);

constexpr uint64 kKeySeed = UINT64CONST(0x51ed270b27b6a5c3);

// A by-value Datum's own bytes: one narrower than 8 bytes may be sign- or zero-extended.
uint64 byval_bits(Datum value, Form_pg_attribute att) {
  uint64 bits = static_cast<uint64>(value);
  if (att->attlen < 8) bits &= (UINT64CONST(1) << (8 * att->attlen)) - 1;
  return bits;
}

uint64 datum_hash(Datum value, Form_pg_attribute att, uint64 seed = 0) {
  if (att->attbyval) {
    uint64 bits = byval_bits(value, att);
    return seed == 0 ? hash64_combine(bits, static_cast<uint64>(att->attlen)) : hash64(&bits, sizeof bits, seed);
  }
  if (att->attlen == -1) {
    struct varlena *v = PG_DETOAST_DATUM_PACKED(value);
    uint64 h = hash64(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), seed);
    if (v != reinterpret_cast<struct varlena *>(DatumGetPointer(value))) pfree(v);
    return h;
  }
  if (att->attlen == -2) {
    const char *s = DatumGetCString(value);
    return hash64(s, strlen(s), seed);
  }
  return hash64(DatumGetPointer(value), static_cast<size_t>(att->attlen), seed);
}

}  // namespace

bool same_stored_value(Form_pg_attribute att, Datum a, bool a_null, Datum b, bool b_null) {
  if (a_null || b_null) return a_null == b_null;
  if (att->attbyval) return datum_hash(a, att) == datum_hash(b, att);
  if (att->attlen == -1) {
    struct varlena *x = PG_DETOAST_DATUM_PACKED(a), *y = PG_DETOAST_DATUM_PACKED(b);
    return VARSIZE_ANY_EXHDR(x) == VARSIZE_ANY_EXHDR(y) && memcmp(VARDATA_ANY(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(x)) == 0;
  }
  if (att->attlen == -2) return strcmp(DatumGetCString(a), DatumGetCString(b)) == 0;
  return memcmp(DatumGetPointer(a), DatumGetPointer(b), static_cast<size_t>(att->attlen)) == 0;
}

uint64 row_hash(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls) {
  uint64 h = 0;
  for (int i = 0; i < count; ++i) {
    AttrNumber attnum = attnums[i];
    if (attnum <= 0) continue;
    uint64 column = nulls[attnum - 1] ? kNullHash : datum_hash(values[attnum - 1], TupleDescAttr(desc, attnum - 1));
    h = hash64_combine(h, column);
  }
  return hash64_combine(h, kNullHash);  // a final mix, so that sums of row hashes spread well
}

RowKey row_key(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls) {
  if (count == 1 && !nulls[attnums[0] - 1] && TupleDescAttr(desc, attnums[0] - 1)->attbyval) {
    uint64 bits = byval_bits(values[attnums[0] - 1], TupleDescAttr(desc, attnums[0] - 1));
    return RowKey{bits, value_key_lo(bits)};
  }
  RowKey key{0, 0};
  for (int i = 0; i < count; ++i) {
    AttrNumber attnum = attnums[i];
    bool null = nulls[attnum - 1];
    Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
    key.hi = hash64_combine(key.hi, null ? kNullHash : datum_hash(values[attnum - 1], att));
    key.lo = hash64_combine(key.lo, null ? kKeySeed : datum_hash(values[attnum - 1], att, kKeySeed));
  }
  key.hi = hash64_combine(key.hi, kNullHash);
  key.lo = hash64_combine(key.lo, kKeySeed);
  return key;
}

void add_spi_rows(TupleDesc desc, const AttrNumber *attnums, int count, TableChecksum *checksum) {
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * desc->natts));
  bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
  for (uint64 r = 0; r < SPI_processed; ++r) {
    CHECK_FOR_INTERRUPTS();
    heap_deform_tuple(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, values, nulls);
    checksum->add(row_hash(desc, attnums, count, values, nulls));
  }
  pfree(values);
  pfree(nulls);
}

TableChecksum query_checksum(const char *sql, TupleDesc desc, const AttrNumber *attnums, int count) {
  TableChecksum checksum;
  SPIPlanPtr plan = SPI_prepare(sql, 0, nullptr);
  if (!plan) elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
  Portal portal = SPI_cursor_open(nullptr, plan, nullptr, nullptr, false);  // a fresh snapshot: this transaction's rows
  for (;;) {
    SPI_cursor_fetch(portal, true, 1000);
    if (SPI_processed == 0) break;
    add_spi_rows(desc, attnums, count, &checksum);
    SPI_freetuptable(SPI_tuptable);
  }
  SPI_cursor_close(portal);
  SPI_freeplan(plan);
  return checksum;
}

void scan_table(Relation rel, void (*visit)(void *arg, TupleTableSlot *slot), void *arg) {
  CommandCounterIncrement();  // see this transaction's own writes
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  TupleTableSlot *slot = table_slot_create(rel, nullptr);
  TableScanDesc scan = table_beginscan(rel, snapshot, 0, nullptr);
  MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar row scan", ALLOCSET_DEFAULT_SIZES);
  MemoryContext old_context = MemoryContextSwitchTo(row_context);
  while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
    CHECK_FOR_INTERRUPTS();
    slot_getallattrs(slot);
    visit(arg, slot);
    MemoryContextReset(row_context);
  }
  MemoryContextSwitchTo(old_context);
  MemoryContextDelete(row_context);
  table_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
  UnregisterSnapshot(snapshot);
}

TableChecksum table_checksum(Relation rel, const AttrNumber *attnums, int count) {
  TableChecksum checksum;
  TupleDesc desc = RelationGetDescr(rel);
  for_each_row(rel, [&](TupleTableSlot *slot) {
    checksum.add(row_hash(desc, attnums, count, slot->tts_values, slot->tts_isnull));
  });
  return checksum;
}

}  // namespace hangar
