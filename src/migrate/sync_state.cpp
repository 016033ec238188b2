// hangar.sync_state: what hangar_migrate and hangar_sync left in a target table, for the next
// hangar_sync. Per row its key (RowKey, 16 bytes), content hash (8) and the hash of the raw
// SQLite values it came from (8; 0 when unknown, as after a migration in reject mode), packed by
// core/state_entries into bytea chunks of at most kChunkRows rows: a million rows take 32 MB,
// or 17 MB with an integer key copied in key order, and one read; a sync with change capture
// appends only the keys it changed or deleted. Written and read as the table's owner
// (bookkeeping.cpp). PostgreSQL zone: everything here may raise.
#include "migrate/sync_state.hpp"

#include <algorithm>
#include <initializer_list>

extern "C" {
#include "access/genam.h"
#include "catalog/pg_type.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "executor/spi.h"
#include "utils/builtins.h"
}

#include "core/state_entries.hpp"
#include "migrate/bag_keys.hpp"

namespace hangar {

namespace {

constexpr int kChunkRows = 1 << 18;
// How many entries ahead of its lookup a state entry's slot in the map is prefetched.
constexpr int32 kPrefetchDistance = 16;

const char *kWhereTable = "source_path = $1 AND target_schema = $2 AND table_name = $3";

void run_with_args(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, bool read_only) {
  int rc = SPI_execute_with_args(sql, nargs, types, values, nulls, read_only, 0);
  if (rc < 0) elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
}

// Runs sql as the owner of hangar.<table> with text parameters $1, $2, ... bound to args; its
// rows are in SPI_tuptable after.
void run_as_owner(const char *table, const char *sql, std::initializer_list<const char *> args, bool read_only) {
  Oid *types = static_cast<Oid *>(palloc(sizeof(Oid) * args.size()));
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * args.size()));
  int n = 0;
  for (const char *arg : args) {
    types[n] = TEXTOID;
    values[n++] = CStringGetTextDatum(arg);
  }
  as_bookkeeping_owner(table, [&] { run_with_args(sql, n, types, values, nullptr, read_only); });
}

// The same on one table's state: $1, $2 and $3 are its file, schema and table (kWhereTable).
void run_on_state(const StateTable &table, const char *sql, bool read_only) {
  run_as_owner("sync_state", sql, {table.source_path, table.schema, table.table}, read_only);
}

[[noreturn]] void damaged_state(const StateTable &table, const char *what) {
  ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                  errmsg("hangar_sync: the stored state of table \"%s\" is damaged: %s", table.table, what),
                  errhint("Migrate the table again with hangar_migrate.")));
}

}  // namespace

void require_current_state_tables() {
  // through the catalogs, which every role reads (a role need not have USAGE on schema hangar)
  int rc = SPI_execute("SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'hangar' AND "
                       "c.relname = 'sync_state' AND a.attname = 'key_format' AND NOT a.attisdropped",
                       true, 1);
  if (rc < 0) elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
  bool current = SPI_processed == 1;
  SPI_freetuptable(SPI_tuptable);
  if (!current)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("hangar_fdw's SQL objects in this database are older than its installed library"),
                    errdetail("hangar.sync_state has no key_format column, added in version 0.4 of the extension."),
                    errhint("Run ALTER EXTENSION hangar_fdw UPDATE in this database.")));
}

StateSummary sync_state_size(const StateTable &table) {
  StateSummary summary;
  run_on_state(table,
               psprintf("SELECT count(*), coalesce(sum(row_count), 0)::bigint, coalesce(max(chunk) + 1, 0)::integer "
                        "FROM hangar.sync_state WHERE %s", kWhereTable),
               false);  // a snapshot of its own: the chunks this transaction wrote count too
  bool isnull;
  summary.found = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) > 0;
  summary.stored_rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
  summary.next_chunk = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
  SPI_freetuptable(SPI_tuptable);
  return summary;
}

StateSummary load_sync_state(const StateTable &table, SyncMap *map, bool all_keys) {
  StateSummary summary = sync_state_size(table);
  // newest first: the first entry of a key decides it
  run_on_state(table,
               psprintf("SELECT kind, entries, row_count, key_format FROM hangar.sync_state WHERE %s ORDER BY chunk DESC",
                        kWhereTable),
               true);
  // each chunk's kind; room for every key to come first: they come in the order of their bits,
  // chunk by chunk
  const char **kinds = static_cast<const char **>(palloc(sizeof(char *) * std::max<uint64>(SPI_processed, 1)));
  int64 added = 0;
  for (uint64 r = 0; r < SPI_processed; ++r) {
    bool isnull;
    kinds[r] = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
    if (all_keys || strcmp(kinds[r], "rows") != 0)
      added += DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3, &isnull));
  }
  map->reserve(map->size() + added);
  for (uint64 r = 0; r < SPI_processed; ++r) {
    bool isnull;
    Datum stored = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
    bytea *chunk = DatumGetByteaPP(stored);  // read out of TOAST into memory of its own
    bool whole = strcmp(kinds[r], "rows") == 0, deleted = strcmp(kinds[r], "deleted") == 0;
    int32 rows = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 3, &isnull));
    StateKeyFormat format;
    if (!state_key_format_from_name(
            TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 4, &isnull)), &format))
      damaged_state(table, "a chunk's key_format is unknown");
    StateEntryReader reader(format, VARDATA_ANY(chunk), VARSIZE_ANY_EXHDR(chunk));
    auto apply = [&](const StateEntry &p) {
      RowKey key{p.key_hi, p.key_lo};
      // a key of a "rows" chunk is in it once: only keys some newer entry decided need looking up
      SyncEntry *e = (all_keys || !whole) ? map->upsert(key) : map->find(key);
      if (e && (e->flags & SyncEntry::StateSeen)) return;
      if (e) e->flags |= SyncEntry::StateSeen;
      if (deleted) return;
      summary.rows++;
      summary.sum += p.hash;
      if (e) {
        e->state_hash = p.hash;
        e->raw = p.raw;
        e->flags |= SyncEntry::HasState;
      }
    };
    // each entry applied kPrefetchDistance entries after its slot in the map was prefetched
    StateEntry pending[kPrefetchDistance];
    int32 read = 0;
    for (StateEntry p; reader.next(&p); ++read) {
      StateEntry &slot = pending[read % kPrefetchDistance];
      if (read >= kPrefetchDistance) apply(slot);
      slot = p;
      map->prefetch(RowKey{p.key_hi, p.key_lo});
    }
    for (int32 i = std::max(read - kPrefetchDistance, 0); i < read; ++i) apply(pending[i % kPrefetchDistance]);
    if (reader.truncated() || read != rows) damaged_state(table, "a chunk's entries end early or do not match its row_count");
    // freed at once, so the next chunk reuses the memory rather than touching new pages
    if (PointerGetDatum(chunk) != stored) pfree(chunk);
  }
  SPI_freetuptable(SPI_tuptable);
  return summary;
}

StateWriter::StateWriter(const StateTable &table, Mode mode, int next_chunk)
    : table_(table), chunk_(next_chunk), context_(CurrentMemoryContext) {
  if (mode == Replace) {
    chunk_ = 0;
    run_on_state(table, psprintf("DELETE FROM hangar.sync_state WHERE %s", kWhereTable), false);
  }
  rows_.kind = mode == Replace ? "rows" : "changed";
  deleted_.kind = "deleted";
}

void StateWriter::put(Buffer *buffer, const RowKey &key, uint64 hash, uint64 raw) {
  // grown by doubling up to a chunk, so a small state or change takes little memory
  if (buffer->rows == buffer->capacity) {
    int capacity = std::min(kChunkRows, std::max(4096, buffer->capacity * 2));
    Size bytes = VARHDRSZ + static_cast<Size>(capacity) * kStateEntryBytes;
    buffer->data = static_cast<bytea *>(buffer->data ? repalloc_huge(buffer->data, bytes)
                                                     : MemoryContextAllocHuge(context_, bytes));
    buffer->capacity = capacity;
  }
  StateEntry e{key.hi, key.lo, hash, raw};
  memcpy(VARDATA(buffer->data) + static_cast<Size>(buffer->rows) * kStateEntryBytes, &e, kStateEntryBytes);
  if (++buffer->rows == kChunkRows) flush(buffer);
}

void StateWriter::add(const RowKey &key, uint64 hash, uint64 raw) { put(&rows_, key, hash, raw); }

void StateWriter::remove(const RowKey &key) { put(&deleted_, key, 0, 0); }

void StateWriter::flush(Buffer *buffer, bool even_empty) {
  if (buffer->rows == 0 && !even_empty) return;
  if (!buffer->data) buffer->data = static_cast<bytea *>(MemoryContextAlloc(context_, VARHDRSZ));
  size_t bytes;
  StateKeyFormat format = pack_state_entries(VARDATA(buffer->data), static_cast<size_t>(buffer->rows), &bytes);
  SET_VARSIZE(buffer->data, VARHDRSZ + bytes);
  seconds_writing_ += seconds_of([&] {
    as_bookkeeping_owner("sync_state", [&] {
      Oid types[8] = {TEXTOID, TEXTOID, TEXTOID, INT4OID, TEXTOID, INT4OID, BYTEAOID, TEXTOID};
      Datum args[8] = {CStringGetTextDatum(table_.source_path), CStringGetTextDatum(table_.schema),
                       CStringGetTextDatum(table_.table), Int32GetDatum(chunk_), CStringGetTextDatum(buffer->kind),
                       Int32GetDatum(buffer->rows), PointerGetDatum(buffer->data),
                       CStringGetTextDatum(state_key_format_name(format))};
      run_with_args("INSERT INTO hangar.sync_state (source_path, target_schema, table_name, chunk, kind, row_count, "
                    "entries, key_format) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    8, types, args, nullptr, false);
    });
  });
  ++chunk_;
  buffer->rows = 0;
}

void StateWriter::finish() {
  bool replacing = strcmp(rows_.kind, "rows") == 0;
  for (Buffer *b : {&rows_, &deleted_}) {
    flush(b, b == &rows_ && replacing && chunk_ == 0);
    if (b->data) pfree(b->data);
    b->data = nullptr;
  }
}

Oid primary_key_index(Relation rel) {
  list_free(RelationGetIndexList(rel));  // sets rd_pkindex
  return rel->rd_pkindex;
}

AttrNumber *primary_key_attnums(Relation rel, int *nkeys) {
  *nkeys = 0;
  Oid pkindex = primary_key_index(rel);
  if (!OidIsValid(pkindex)) return nullptr;
  Relation index = index_open(pkindex, AccessShareLock);
  int n = index->rd_index->indnkeyatts;
  AttrNumber *keys = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * n));
  for (int k = 0; k < n; ++k) keys[k] = index->rd_index->indkey.values[k];
  index_close(index, AccessShareLock);
  *nkeys = n;
  return keys;
}

TableChecksum checksum_recording_state(Relation rel, const AttrNumber *attnums, int count, const StateTable &table,
                                       bool count_copies) {
  int nkeys;
  AttrNumber *keys = primary_key_attnums(rel, &nkeys);
  if (!keys && !count_copies) return table_checksum(rel, attnums, count);
  TableChecksum checksum;
  TupleDesc desc = RelationGetDescr(rel);
  StateWriter writer(table, StateWriter::Replace);
  BagKeys *copies = keys ? nullptr : BagKeys::create(CurrentMemoryContext);
  for_each_row(rel, [&](TupleTableSlot *slot) {
    const Datum *values = slot->tts_values;
    const bool *nulls = slot->tts_isnull;
    uint64 hash = row_hash(desc, attnums, count, values, nulls);
    checksum.add(hash);
    RowKey key = keys ? row_key(desc, keys, nkeys, values, nulls) : copies->next(desc, attnums, count, values, nulls);
    writer.add(key, hash, 0);
  });
  writer.finish();
  return checksum;
}

void forget_sync_state(const char *source_path, const char *schema) {
  run_as_owner("sync_state", "DELETE FROM hangar.sync_state WHERE source_path = $1 AND target_schema = $2",
               {source_path, schema}, false);
  run_as_owner("syncs", "DELETE FROM hangar.syncs WHERE source_path = $1 AND target_schema = $2", {source_path, schema},
               false);
}

void forget_capture_applied(const char *source_path) {
  run_as_owner("syncs", "UPDATE hangar.syncs SET capture_applied = NULL WHERE source_path = $1", {source_path}, false);
}

int64 capture_applied(const char *source_path, const char *schema) {
  int64 applied = -1;
  run_as_owner("syncs", "SELECT capture_applied FROM hangar.syncs WHERE source_path = $1 AND target_schema = $2",
               {source_path, schema}, true);
  bool isnull = true;
  if (SPI_processed > 0) {
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    if (!isnull) applied = DatumGetInt64(d);
  }
  SPI_freetuptable(SPI_tuptable);
  return applied;
}

void record_sync(const char *source_path, const char *schema, int64 applied) {
  as_bookkeeping_owner("syncs", [&] {
    Oid types[3] = {TEXTOID, TEXTOID, INT8OID};
    Datum args[3] = {CStringGetTextDatum(source_path), CStringGetTextDatum(schema), Int64GetDatum(applied)};
    char nulls[4] = {' ', ' ', applied < 0 ? 'n' : ' ', '\0'};
    run_with_args("INSERT INTO hangar.syncs (source_path, target_schema, synced_at, capture_applied) "
                  "VALUES ($1, $2, statement_timestamp(), $3) ON CONFLICT (source_path, target_schema) DO UPDATE "
                  "SET synced_at = excluded.synced_at, capture_applied = excluded.capture_applied",
                  3, types, args, nulls, false);
  });
}

}  // namespace hangar
