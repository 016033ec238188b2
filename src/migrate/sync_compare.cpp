// compare_table (sync_compare.hpp): three versions of each row by key, in one SyncMap: the
// state (S) from hangar.sync_state, the target's row (P) from a scan of its heap, and SQLite's
// row (Q) converted by the migration's own copy, each as a content hash.
//   - Q with no P, or P != Q: the row goes to `changes` (an insert or an update).
//   - P with no Q: its key goes to `gone` (a delete), unless SQLite's row was rejected.
//   - P != S, and P != Q: PostgreSQL changed the row since the last sync (a missing row counts
//     as a value), which is refused unless overwrite. Without a stored state P is taken as S.
// The new state is Q for every key SQLite has (S again for a rejected row) and is written here,
// unless it is the stored one; the caller's transaction keeps it only if the whole sync commits.
// The target rows neither written nor deleted are summed (`untouched`), so verification needs
// to read again only the rows the sync writes.
// With change capture only the logged keys are read on either side (P through the primary key's
// index, Q through a WHERE on the log); every other key counts as its state on both sides, and SQLite's row count
// must be the one the state and the log explain, else the table is read whole after all.
// A table without a primary key is compared as a multiset: each row's key is its content and
// copy number (BagKeys), so a changed row is a delete and an insert, and a deleted row is found
// by its tid.
#include "migrate/sync_compare.hpp"

#include <algorithm>

#include "migrate/bag_keys.hpp"

extern "C" {
#include "access/genam.h"
#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
}

namespace hangar {

namespace {

struct KeyProbe;

struct Comparison {
  const CompareInput *in;
  SyncMap *map;
  CompareResult result;
  KeyProbe *probe = nullptr;  // capture: while the logged keys are read
  BagKeys *target_copies = nullptr;  // a table without a primary key: its rows' keys on each side
  BagKeys *sqlite_copies = nullptr;
};

bool is_bag(const CompareInput &in) { return in.nkeys == 0; }

// "(1)", "(2, y)": the key as a row's text form, for messages.
char *key_text(TupleDesc desc, const AttrNumber *keys, int nkeys, const Datum *values, const bool *nulls) {
  StringInfoData out;
  initStringInfo(&out);
  appendStringInfoChar(&out, '(');
  for (int i = 0; i < nkeys; ++i) {
    int a = keys[i] - 1;
    if (i) appendStringInfoString(&out, ", ");
    if (nulls[a]) continue;
    Oid output;
    bool varlena;
    getTypeOutputInfo(TupleDescAttr(desc, a)->atttypid, &output, &varlena);
    char *text = OidOutputFunctionCall(output, values[a]);
    // quoted as record_out quotes a field
    bool quote = *text == '\0' || strpbrk(text, ",()\"\\ ") != nullptr;
    if (quote) appendStringInfoChar(&out, '"');
    for (const char *p = text; *p; ++p) {
      if (quote && (*p == '"' || *p == '\\')) appendStringInfoChar(&out, *p);
      appendStringInfoChar(&out, *p);
    }
    if (quote) appendStringInfoChar(&out, '"');
  }
  appendStringInfoChar(&out, ')');
  return out.data;
}

// The text of a row's key; of the whole row in a table without a primary key.
char *key_text(const CompareInput &in, TupleDesc desc, bool target_side, const Datum *values, const bool *nulls) {
  if (is_bag(in)) {
    const CopySpec *spec = target_side ? in.target_spec : in.changes_spec;
    return key_text(desc, spec->attnums, spec->ncolumns, values, nulls);
  }
  return key_text(desc, target_side ? in.target_keys : in.changes_keys, in.nkeys, values, nulls);
}

// "a, b" (the SQLite names of the key's columns) into names, "a = 1, b = x" into values.
void describe_key_columns(const CompareInput &in, TupleDesc desc, const Datum *values, const bool *nulls,
                          const char **names, const char **assignments) {
  const CopySpec &spec = *in.changes_spec;
  const char **columns = static_cast<const char **>(palloc(sizeof(char *) * in.nkeys));
  const char **texts = static_cast<const char **>(palloc(sizeof(char *) * in.nkeys));
  for (int k = 0; k < in.nkeys; ++k) {
    int a = in.changes_keys[k] - 1;
    Oid output;
    bool varlena;
    getTypeOutputInfo(TupleDescAttr(desc, a)->atttypid, &output, &varlena);
    texts[k] = nulls[a] ? nullptr : OidOutputFunctionCall(output, values[a]);
    columns[k] = NameStr(TupleDescAttr(desc, a)->attname);  // SQLite's name, when it has the column
    for (int i = 0; i < spec.ncolumns; ++i)
      if (spec.attnums[i] == in.changes_keys[k]) columns[k] = spec.sqlite_columns[i];
  }
  *names = key_column_list(columns, in.nkeys);
  *assignments = key_assignments(columns, texts, in.nkeys);
}

[[noreturn]] void refuse(const CompareInput &in, const char *key) {
  ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                  errmsg("row %s of %s changed in PostgreSQL since the last sync", key, in.target_name),
                  errdetail("The app must not write to both sides; nothing was synced."),
                  errhint("Give overwrite => true to replace PostgreSQL's rows with SQLite's.")));
}

// P and S agree: the target holds the row (or its absence) as the last sync left it.
bool unchanged_in_postgres(const SyncEntry &e) {
  bool has_pg = e.flags & SyncEntry::HasPg, has_state = e.flags & SyncEntry::HasState;
  return has_pg == has_state && (!has_pg || e.pg_hash == e.state_hash);
}

// A row unchanged on both sides since the last sync: SQLite's raw values hash as they did then,
// and the target holds what the state says. Its content hash is the state's; it is not
// converted. Otherwise the row's raw hash is kept for the new state and the row converted.
bool skip_unchanged(void *arg, const RowKey &key, uint64 raw, uint64 *hash) {
  Comparison *c = static_cast<Comparison *>(arg);
  const CompareInput &in = *c->in;
  SyncEntry *e = c->map->upsert(key);
  const uint16 both = SyncEntry::HasState | SyncEntry::HasPg;
  bool unchanged = (e->flags & both) == both && !(e->flags & SyncEntry::HasSqlite) && e->raw != 0 &&
                   e->raw == raw && e->pg_hash == e->state_hash;
  if (e->raw != raw) e->flags |= SyncEntry::NewRaw;
  e->raw = raw;
  if (!unchanged) return false;
  if (in.capture) e->flags |= SyncEntry::Logged;
  e->flags |= SyncEntry::HasSqlite;
  e->sqlite_hash = e->state_hash;
  *hash = e->state_hash;
  return true;
}

// A SQLite row's key, its slot in the map prefetched.
RowKey key_of(void *arg, TupleDesc desc, const Datum *values, const bool *nulls) {
  Comparison *c = static_cast<Comparison *>(arg);
  const CompareInput &in = *c->in;
  RowKey key = row_key(desc, in.changes_keys, in.nkeys, values, nulls);
  c->map->prefetch(key);
  return key;
}

// A second SQLite row with a key the first has once converted: rejected in reject mode (the
// first stays, as in hangar_migrate), an error otherwise.
RowFate duplicate_key(Comparison *c, TupleDesc desc, const Datum *values, const bool *nulls, RowRejection *why) {
  const CompareInput &in = *c->in;
  const CopySpec &spec = *in.changes_spec;
  if (spec.on_error == OnError::Reject) {
    ++c->result.rejected;
    describe_key_columns(in, desc, values, nulls, &why->columns, &why->value);
    why->reason = psprintf("primary key (%s): converted to the column types, its key is an earlier row's too",
                           why->columns);
    why->sqlstate = ERRCODE_UNIQUE_VIOLATION;
    return RowFate::Reject;
  }
  ereport(ERROR, (errcode(ERRCODE_UNIQUE_VIOLATION),
                  errmsg("SQLite table \"%s\" has two rows with key %s", spec.sqlite_table,
                         key_text(desc, in.changes_keys, in.nkeys, values, nulls)),
                  errdetail("SQLite keeps the two keys apart (an integer and its text, say, in a column "
                            "without a type), but converted to the target's column types they are one."),
                  errhint("Read the key column as a type that keeps them apart (in hangar_migrate: "
                          "column_types), make the keys distinct in SQLite, or sync with on_error => 'reject'.")));
  pg_unreachable();
}

RowFate choose_row(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, uint64 hash, RowRejection *why) {
  Comparison *c = static_cast<Comparison *>(arg);
  const CompareInput &in = *c->in;
  const CopySpec &spec = *in.changes_spec;
  RowKey key = is_bag(in) ? c->sqlite_copies->next(desc, spec.attnums, spec.ncolumns, values, nulls)
                          : row_key(desc, in.changes_keys, in.nkeys, values, nulls);
  SyncEntry *e = c->map->upsert(key);
  if (in.capture) e->flags |= SyncEntry::Logged;
  if (e->flags & SyncEntry::HasSqlite) return duplicate_key(c, desc, values, nulls, why);
  bool has_pg = e->flags & SyncEntry::HasPg;
  bool same_as_pg = has_pg && e->pg_hash == hash;
  if (!in.overwrite && !same_as_pg && !unchanged_in_postgres(*e))
    refuse(in, key_text(in, desc, false, values, nulls));
  if (!(e->flags & SyncEntry::HasState) || e->state_hash != hash) e->flags |= SyncEntry::NewState;
  e->sqlite_hash = hash;
  e->flags |= SyncEntry::HasSqlite;
  if (same_as_pg) return RowFate::Keep;
  ++(has_pg ? c->result.updates : c->result.inserts);
  return RowFate::Write;
}

// A SQLite row that did not convert keeps the target's previous version, when its key did.
void rejected_row(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, const bool *failed) {
  Comparison *c = static_cast<Comparison *>(arg);
  const CompareInput &in = *c->in;
  ++c->result.rejected;
  if (is_bag(in)) return;  // no version of the target is its own: the target holds SQLite's rows that convert
  for (int i = 0; i < in.changes_spec->ncolumns; ++i)
    for (int k = 0; k < in.nkeys; ++k)
      if (failed[i] && in.changes_spec->attnums[i] == in.changes_keys[k]) return;
  SyncEntry *e = c->map->find(row_key(desc, in.changes_keys, in.nkeys, values, nulls));
  if (e) e->flags |= SyncEntry::Held;
}

// A target row as the comparison needs it: its key, its content hash (P) and where it is.
struct TargetRow {
  RowKey key;
  uint64 hash;
  ItemPointerData tid;
};

TargetRow target_row(const Comparison &c, TupleTableSlot *slot) {
  const CompareInput &in = *c.in;
  TupleDesc desc = RelationGetDescr(in.target);
  const CopySpec &spec = *in.target_spec;
  const Datum *values = slot->tts_values;
  const bool *nulls = slot->tts_isnull;
  RowKey key = is_bag(in) ? c.target_copies->next(desc, spec.attnums, spec.ncolumns, values, nulls)
                          : row_key(desc, in.target_keys, in.nkeys, values, nulls);
  return {key, row_hash(desc, spec.attnums, spec.ncolumns, values, nulls), slot->tts_tid};
}

// P of a target row.
void add_target_row(Comparison *c, const TargetRow &row) {
  const CompareInput &in = *c->in;
  SyncEntry *e = c->map->upsert(row.key);
  if (in.capture) e->flags |= SyncEntry::Logged;
  e->pg_hash = row.hash;
  e->tid = row.tid;
  e->flags |= SyncEntry::HasPg;
  c->result.untouched.add(e->pg_hash);
  if (!c->result.had_state) {  // the baseline: the target as the last state
    e->state_hash = e->pg_hash;
    e->flags |= SyncEntry::HasState;
  }
}

// Every target row, each added kPrefetchDistance rows after its slot in the map was prefetched.
void scan_target(Comparison *c) {
  constexpr size_t kPrefetchDistance = 16;
  TargetRow pending[kPrefetchDistance];
  size_t seen = 0;
  for_each_row(c->in->target, [&](TupleTableSlot *slot) {
    TargetRow &next = pending[seen++ % kPrefetchDistance];
    if (seen > kPrefetchDistance) add_target_row(c, next);
    next = target_row(*c, slot);
    c->map->prefetch(next.key);
  });
  for (size_t i = seen > kPrefetchDistance ? seen - kPrefetchDistance : 0; i < seen; ++i)
    add_target_row(c, pending[i % kPrefetchDistance]);
}

// Capture: the primary key's index of the target, searched for each logged key.
struct KeyProbe {
  Relation index;
  IndexScanDesc scan;
  ScanKeyData *keys;
  RegProcedure *equal;   // each key column's equality function in the index's operator family
  TupleTableSlot *slot;
  Snapshot snapshot;
};

// A logged key: marked in the map, and the target's row with it, if any, taken as P.
RowFate mark_logged(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, uint64, RowRejection *) {
  Comparison *c = static_cast<Comparison *>(arg);
  const CompareInput &in = *c->in;
  c->map->upsert(row_key(desc, in.target_keys, in.nkeys, values, nulls))->flags |= SyncEntry::Logged;
  KeyProbe &probe = *c->probe;
  for (int k = 0; k < in.nkeys; ++k) {
    int a = in.target_keys[k] - 1;
    if (nulls[a]) return RowFate::Keep;  // no key of the target is NULL
    ScanKeyEntryInitialize(&probe.keys[k], 0, static_cast<AttrNumber>(k + 1), BTEqualStrategyNumber, InvalidOid,
                           probe.index->rd_indcollation[k], probe.equal[k], values[a]);
  }
  index_rescan(probe.scan, probe.keys, in.nkeys, nullptr, 0);
  if (index_getnext_slot(probe.scan, ForwardScanDirection, probe.slot)) {
    slot_getallattrs(probe.slot);
    add_target_row(c, target_row(*c, probe.slot));
  }
  return RowFate::Keep;
}

// Capture: the logged keys into the map, and the target's rows with them, found by index.
void read_logged_rows(Comparison *c) {
  const CompareInput &in = *c->in;
  KeyProbe probe;
  probe.index = index_open(primary_key_index(in.target), AccessShareLock);
  probe.keys = static_cast<ScanKeyData *>(palloc(sizeof(ScanKeyData) * in.nkeys));
  probe.equal = static_cast<RegProcedure *>(palloc(sizeof(RegProcedure) * in.nkeys));
  for (int k = 0; k < in.nkeys; ++k) {
    Oid type = probe.index->rd_opcintype[k];
    Oid op = get_opfamily_member(probe.index->rd_opfamily[k], type, type, BTEqualStrategyNumber);
    if (!OidIsValid(op)) elog(ERROR, "no equality operator for column %d of the primary key of %s", k + 1, in.target_name);
    probe.equal[k] = get_opcode(op);
  }
  probe.snapshot = RegisterSnapshot(GetLatestSnapshot());
  probe.slot = table_slot_create(in.target, nullptr);
#if PG_VERSION_NUM >= 180000
  probe.scan = index_beginscan(in.target, probe.index, probe.snapshot, nullptr, in.nkeys, 0);
#else
  probe.scan = index_beginscan(in.target, probe.index, probe.snapshot, in.nkeys, 0);
#endif
  c->probe = &probe;
  in.capture->logged_spec->choose_row = mark_logged;
  in.capture->logged_spec->row_arg = c;
  CopyResult keys = copy_table(in.db, *in.capture->logged_spec, in.target, *in.server);
  c->result.logged = keys.rows_copied;
  c->probe = nullptr;
  index_endscan(probe.scan);
  ExecDropSingleTupleTableSlot(probe.slot);
  UnregisterSnapshot(probe.snapshot);
  index_close(probe.index, AccessShareLock);
}

int64 sqlite_count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  int64 n = -1;
  if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  rc = sqlite3_finalize(stmt);
  if (n < 0) report_sqlite_error(db, rc, "could not count a SQLite table's rows");
  return n;
}

// The keys of the target rows SQLite no longer has, into gone (their tids in a table without a
// primary key); refuses any PostgreSQL changed.
void collect_deletions(Comparison *c) {
  const CompareInput &in = *c->in;
  Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
  TupleTableSlot *row = table_slot_create(in.target, nullptr);
  TupleTableSlot *key = table_slot_create(in.gone, nullptr);
  CommandId cid = GetCurrentCommandId(true);
  TupleDesc desc = RelationGetDescr(in.target);
  c->map->for_each([&](SyncEntry *e) {
    if ((e->flags & (SyncEntry::HasPg | SyncEntry::HasSqlite | SyncEntry::Held)) != SyncEntry::HasPg) return;
    if (!table_tuple_fetch_row_version(in.target, &e->tid, snapshot, row))
      elog(ERROR, "could not read back a row of %s", in.target_name);
    slot_getallattrs(row);
    if (!in.overwrite && !unchanged_in_postgres(*e))
      refuse(in, key_text(in, desc, true, row->tts_values, row->tts_isnull));
    ExecClearTuple(key);
    if (is_bag(in)) {
      key->tts_values[0] = PointerGetDatum(&e->tid);
      key->tts_isnull[0] = false;
    }
    for (int k = 0; k < in.nkeys; ++k) {
      key->tts_values[k] = row->tts_values[in.target_keys[k] - 1];
      key->tts_isnull[k] = row->tts_isnull[in.target_keys[k] - 1];
    }
    ExecStoreVirtualTuple(key);
    table_tuple_insert(in.gone, key, cid, 0, nullptr);
    ++c->result.deletes;
  });
  ExecDropSingleTupleTableSlot(key);
  ExecDropSingleTupleTableSlot(row);
  UnregisterSnapshot(snapshot);
}

// Whether the sync read the key's rows: every key, or with capture the logged ones.
bool was_read(const Comparison &c, const SyncEntry &e) { return !c.in->capture || (e.flags & SyncEntry::Logged); }

// What the target must hold once written, and the rows the writes leave alone. A key not read
// (capture) counts as its state on both sides.
void sum_outcome(Comparison *c, const TableChecksum &sqlite_rows, const StateSummary &state) {
  CompareResult &r = c->result;
  r.expected = sqlite_rows;
  TableChecksum unread;
  if (c->in->capture) {
    unread.rows = state.rows;
    unread.sum = state.sum;
  }
  c->map->for_each([&](SyncEntry *e) {
    if (!was_read(*c, *e)) return;
    bool has_pg = e->flags & SyncEntry::HasPg, has_sqlite = e->flags & SyncEntry::HasSqlite;
    if (c->in->capture && (e->flags & SyncEntry::HasState)) unread.remove(e->state_hash);
    if (e->flags & SyncEntry::Held) {
      if (has_pg) r.expected.add(e->pg_hash);  // the target keeps its version, when it has one
    } else if (has_pg && (!has_sqlite || e->pg_hash != e->sqlite_hash))
      r.untouched.remove(e->pg_hash);  // updated or deleted
  });
  r.expected.rows += unread.rows;
  r.expected.sum += unread.sum;
  r.untouched.rows += unread.rows;
  r.untouched.sum += unread.sum;
}

// The new state: a key read gets SQLite's row (none when SQLite deleted it, the stored one when
// SQLite's row was rejected); a key not read keeps the stored one. Written whole when every key
// is in the map, else appended as changed and deleted keys; not written when unchanged.
void write_state(Comparison *c, bool all_keys, const StateSummary &state, const StateSummary &stored) {
  int64 changed = 0, deleted = 0;
  auto deleted_now = [](const SyncEntry &e) {
    return (e.flags & SyncEntry::HasState) && !(e.flags & (SyncEntry::HasSqlite | SyncEntry::Held));
  };
  c->map->for_each([&](SyncEntry *e) {
    if (!was_read(*c, *e)) return;
    if (deleted_now(*e)) ++deleted;
    if ((e->flags & SyncEntry::HasSqlite) && (e->flags & (SyncEntry::NewState | SyncEntry::NewRaw))) ++changed;
  });
  c->result.state_changed = changed + deleted > 0;
  // Written whole when there is none, when appended entries have grown past a quarter of the
  // rows (plus 64, so a small table is not rewritten at each change), or when an eighth of the
  // rows changed; else only the changes are appended.
  bool grown = static_cast<double>(stored.stored_rows) > 1.25 * static_cast<double>(state.rows) + 64;
  bool whole = all_keys && (!c->result.had_state || grown || changed + deleted > state.rows / 8);
  if (c->result.had_state && !c->result.state_changed && !whole) return;
  StateWriter writer(c->in->state, whole ? StateWriter::Replace : StateWriter::Append, stored.next_chunk);
  c->map->for_each([&](SyncEntry *e) {
    bool read = was_read(*c, *e);
    if (whole) {
      bool kept = (e->flags & SyncEntry::HasState) && (!read || (e->flags & SyncEntry::Held));
      if (read && (e->flags & SyncEntry::HasSqlite))
        writer.add(e->key, e->sqlite_hash, e->raw);
      else if (kept)  // a rejected row is converted again next time: its raw hash is dropped
        writer.add(e->key, e->state_hash, (e->flags & SyncEntry::Held) ? 0 : e->raw);
    } else if (read && (e->flags & SyncEntry::HasSqlite) && (e->flags & (SyncEntry::NewState | SyncEntry::NewRaw))) {
      writer.add(e->key, e->sqlite_hash, e->raw);
    } else if (read && deleted_now(*e)) {
      writer.remove(e->key);
    }
  });
  writer.finish();
}

// Capture: whether SQLite's row count is the one the state and the logged keys explain.
bool log_explains_count(Comparison *c, const StateSummary &state, int64 sqlite_rows) {
  int64 explained = state.rows + c->result.rejected;
  c->map->for_each([&](SyncEntry *e) {
    if (!was_read(*c, *e)) return;
    if (e->flags & SyncEntry::HasState) --explained;
    if (e->flags & SyncEntry::HasSqlite) ++explained;
  });
  return explained == sqlite_rows;
}

// Runs a step of the comparison and logs its time at DEBUG1, for measuring where a sync spends it.
template <typename Work>
void timed_step(const CompareInput &in, const char *what, Work work) {
  log_step_time("hangar_sync", what, in.target_name, seconds_of(work));
}

// Capture, a target without a primary key, nothing logged for it: both sides hold what the
// state says, if SQLite's row count agrees (else it escaped the log, and is read whole).
CompareResult unchanged_by_log(const CompareInput &in) {
  CompareResult result;
  StateSummary stored = sync_state_size(in.state);
  result.had_state = stored.found;
  result.escaped = !stored.found;
  if (!stored.found) return result;
  SyncMap map(CurrentMemoryContext, 0);
  StateSummary state = load_sync_state(in.state, &map, false);
  result.escaped = sqlite_count(in.db, in.capture->count_sql) != state.rows;
  result.expected.rows = result.untouched.rows = state.rows;
  result.expected.sum = result.untouched.sum = state.sum;
  return result;
}

}  // namespace

CompareResult compare_table(const CompareInput &in) {
  if (in.capture && is_bag(in)) return unchanged_by_log(in);
  Comparison c;
  c.in = &in;
  // With capture the map holds the logged keys (and the state's newer entries), unless the
  // stored state has grown a quarter past the table with appended entries: then every key, to
  // write the state whole again.
  StateSummary stored = sync_state_size(in.state);
  double rows = std::max<double>(in.target->rd_rel->reltuples, 0);
  bool all_keys = !in.capture || static_cast<double>(stored.stored_rows) > 1.25 * rows + 64;
  SyncMap map(CurrentMemoryContext, all_keys ? static_cast<int64>(rows * 1.1) : 1024);
  c.map = &map;
  c.result.had_state = stored.found;
  if (in.capture) {
    if (!stored.found) {  // nothing to take the rows not logged from
      c.result.escaped = true;
      return c.result;
    }
    timed_step(in, "logged keys", [&] { read_logged_rows(&c); });  // first: the state is then read for the logged keys only
    if (!all_keys) map.reserve(map.size(), 0.25);  // most of the state's keys are looked up in vain
  }
  if (is_bag(in)) {
    c.target_copies = BagKeys::create(CurrentMemoryContext);
    c.sqlite_copies = c.result.sqlite_copies = BagKeys::create(CurrentMemoryContext);
  }
  in.changes_spec->choose_row = choose_row;
  // a row's key is known only once it is converted in a table without a primary key
  in.changes_spec->skip_unchanged = is_bag(in) ? nullptr : skip_unchanged;
  in.changes_spec->key_of = is_bag(in) ? nullptr : key_of;
  in.changes_spec->rejected_row = rejected_row;
  in.changes_spec->row_arg = &c;
  // Reading every row, SQLite is read on the second core while the state is loaded and the
  // target scanned (by the caller's reader of every table, if it has one).
  SqliteRead *ahead = in.capture ? nullptr : in.ahead, *own_read = nullptr;
  if (!in.capture && !ahead) {
    const CopySpec *spec = in.changes_spec;
    ahead = own_read = start_read_ahead(in.db, &spec, &in.changes, 1, kSyncReadAheadBytes);
  }
  StateSummary state;
  timed_step(in, "state", [&] { state = load_sync_state(in.state, &map, all_keys); });
  if (!in.capture) timed_step(in, "target", [&] { scan_target(&c); });
  CopyResult copied;
  timed_step(in, "sqlite", [&] { copied = copy_table(in.db, *in.changes_spec, in.changes, *in.server, ahead); });
  if (own_read) end_read_ahead(own_read);
  if (copied.generated_mismatch >= 0)  // a copy that stopped early would leave SQLite's other rows unseen
    elog(ERROR, "hangar_sync stopped reading SQLite table \"%s\" at a generated column", in.changes_spec->sqlite_table);
  if (in.capture && !log_explains_count(&c, state, sqlite_count(in.db, in.capture->count_sql))) {
    c.result.escaped = true;
    return c.result;
  }
  timed_step(in, "deletions", [&] { collect_deletions(&c); });
  sum_outcome(&c, copied.source, state);
  timed_step(in, "state write", [&] { write_state(&c, all_keys, state, stored); });
  elog(DEBUG1, "hangar_sync: map of %s: " INT64_FORMAT " keys, full %d times", in.target_name, map.size(),
       map.times_full());
  return c.result;
}

}  // namespace hangar
