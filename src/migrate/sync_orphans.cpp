// reject_sync_orphans (sync_orphans.hpp): in reject mode hangar_sync leaves out, as
// hangar_migrate does, the rows whose foreign key would match no parent row once the sync is
// written: SQLite apps often run with PRAGMA foreign_keys off, so a child may arrive without its
// parent, or stay behind when its parent is deleted. The check runs after every table was
// compared and before anything is written, on the temporary tables of the rows to write
// (changes) and the keys to delete (gone): a parent's rows after the sync are its changes plus
// the target rows neither deleted nor replaced. An orphan among the rows to write is taken out
// of changes, and the target keeps its own version of the row, if any (checked in turn); an
// orphan the target would keep is added to gone. Each is recorded in hangar.rejects, and the
// comparison's expected checksum, counts and the state are brought in line, so verification
// and the next sync see what was written.
#include "migrate/sync_orphans.hpp"

#include "migrate/bag_keys.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace hangar {

namespace {

// "(a.k1, a.k2)" of quoted columns.
void append_columns(StringInfo out, const char *alias, const std::vector<std::string> &columns) {
  appendStringInfoChar(out, '(');
  for (size_t i = 0; i < columns.size(); ++i)
    appendStringInfo(out, "%s%s%s%s", i ? ", " : "", alias ? alias : "", alias ? "." : "", columns[i].c_str());
  appendStringInfoChar(out, ')');
}

// "(a.k1, a.k2) = (b.k1, b.k2)" over a table's primary key.
void append_key_match(StringInfo out, const OrphanTable &t, const char *a, const char *b) {
  append_columns(out, a, t.keys);
  appendStringInfoString(out, " = ");
  append_columns(out, b, t.keys);
}

// Whether target row `alias` of synced table t stays as it is once the sync is written: its key
// is not to be deleted (its tid, in a table without a primary key) nor written over.
void append_kept(StringInfo out, const OrphanTable &t, const char *alias) {
  appendStringInfo(out, "NOT EXISTS (SELECT 1 FROM %s g WHERE ", t.gone.c_str());
  if (t.keys.empty()) {
    appendStringInfo(out, "g.tid = %s.ctid)", alias);
    return;
  }
  append_key_match(out, t, "g", alias);
  appendStringInfo(out, ") AND NOT EXISTS (SELECT 1 FROM %s c WHERE ", t.changes.c_str());
  append_key_match(out, t, "c", alias);
  appendStringInfoChar(out, ')');
}

// Table p's rows once the sync is written, as a subquery of the columns a foreign key references.
void append_parent_rows(StringInfo out, const OrphanTable &p, const std::vector<std::string> &columns) {
  appendStringInfoString(out, "(SELECT ");
  for (size_t i = 0; i < columns.size(); ++i) appendStringInfo(out, "%s%s", i ? ", " : "", columns[i].c_str());
  if (p.changes.empty()) {
    appendStringInfo(out, " FROM %s)", p.target.c_str());
    return;
  }
  appendStringInfo(out, " FROM %s UNION ALL SELECT ", p.changes.c_str());
  for (size_t i = 0; i < columns.size(); ++i) appendStringInfo(out, "%sx.%s", i ? ", " : "", columns[i].c_str());
  appendStringInfo(out, " FROM %s x WHERE ", p.target.c_str());
  append_kept(out, p, "x");
  appendStringInfoChar(out, ')');
}

// A rejected row's key in the state: its primary key, or in a table without one, the key of the
// last copy of its content SQLite's rows were counted to (any copy stands for another).
RowKey state_key(const OrphanTable &t, TupleDesc desc, const AttrNumber *keys, const AttrNumber *attnums,
                 TupleTableSlot *row) {
  if (t.keys.empty())
    return t.compared->sqlite_copies->take_back(desc, attnums, t.ncolumns, row->tts_values, row->tts_isnull);
  return row_key(desc, keys, t.nkeys, row->tts_values, row->tts_isnull);
}

// Whether row r of the child is an orphan of fk once the sync is written (MATCH SIMPLE: a row
// with a NULL in its foreign key is not checked).
char *orphan_condition(const OrphanForeignKey &fk, const OrphanTable &parent) {
  StringInfoData sql;
  initStringInfo(&sql);
  for (const std::string &c : fk.child_columns) appendStringInfo(&sql, "r.%s IS NOT NULL AND ", c.c_str());
  appendStringInfoString(&sql, "NOT EXISTS (SELECT 1 FROM ");
  append_parent_rows(&sql, parent, fk.parent_columns);
  appendStringInfoString(&sql, " p WHERE ");
  for (size_t i = 0; i < fk.child_columns.size(); ++i)
    appendStringInfo(&sql, "%sp.%s = r.%s", i ? " AND " : "", fk.parent_columns[i].c_str(),
                     fk.child_columns[i].c_str());
  appendStringInfoChar(&sql, ')');
  return sql.data;
}

// The tids in the first `columns` columns of SPI's rows (an invalid tid for NULL), copied out.
ItemPointerData *tids_of(int columns) {
  uint64 n = SPI_processed;
  ItemPointerData *tids = static_cast<ItemPointerData *>(palloc(sizeof(ItemPointerData) * (n * columns + 1)));
  for (uint64 r = 0; r < n; ++r)
    for (int c = 0; c < columns; ++c) {
      bool isnull;
      Datum d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c + 1, &isnull);
      ItemPointerData *tid = &tids[r * columns + c];
      if (isnull)
        ItemPointerSetInvalid(tid);
      else
        ItemPointerCopy(reinterpret_cast<ItemPointer>(DatumGetPointer(d)), tid);
    }
  SPI_freetuptable(SPI_tuptable);
  return tids;
}

// Runs sql in a snapshot of its own that sees this transaction's writes so far.
void run(const char *sql) {
  int rc = SPI_execute(sql, false, 0);
  if (rc < 0) elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
}

// Rows of one relation fetched by tid, as a snapshot sees them.
class TidFetcher {
 public:
  TidFetcher(Oid relid, Snapshot snapshot) : snapshot_(snapshot) {
    rel_ = table_open(relid, AccessShareLock);
    slot_ = table_slot_create(rel_, nullptr);
  }
  void close() {
    ExecDropSingleTupleTableSlot(slot_);
    table_close(rel_, NoLock);
  }
  TupleTableSlot *fetch(ItemPointer tid) {
    if (!table_tuple_fetch_row_version(rel_, tid, snapshot_, slot_))
      elog(ERROR, "could not read back a row of %s", RelationGetRelationName(rel_));
    slot_getallattrs(slot_);
    return slot_;
  }
  TupleDesc desc() const { return RelationGetDescr(rel_); }
  Oid relid() const { return RelationGetRelid(rel_); }

 private:
  Relation rel_;
  TupleTableSlot *slot_;
  Snapshot snapshot_;
};

// "user_id = 7, org = x" (or "7, x" without names): the foreign key's values in a row, for the
// reject's record.
char *foreign_key_values(const OrphanForeignKey &fk, TidFetcher &reader, TupleTableSlot *slot, bool with_names) {
  StringInfoData out;
  initStringInfo(&out);
  for (size_t i = 0; i < fk.child_names.size(); ++i) {
    AttrNumber a = get_attnum(reader.relid(), fk.child_names[i].c_str());
    const char *value = "NULL";
    if (a != InvalidAttrNumber && !slot->tts_isnull[a - 1]) {
      Oid output;
      bool varlena;
      getTypeOutputInfo(TupleDescAttr(reader.desc(), a - 1)->atttypid, &output, &varlena);
      value = OidOutputFunctionCall(output, slot->tts_values[a - 1]);
    }
    if (with_names) appendStringInfo(&out, "%s%s = %s", i ? ", " : "", fk.child_sqlite_columns[i].c_str(), value);
    else appendStringInfo(&out, "%s%s", i ? ", " : "", value);
  }
  return out.data;
}

// One foreign key's check of its child: the orphan condition, the snapshot rows are read in, and
// where the state's new entries go.
struct OrphanPass {
  OrphanTable &child;
  const OrphanTable &parent;
  const OrphanForeignKey &fk;
  const char *condition;
  Snapshot snapshot;
  StateWriter *state;
  int64 run_id;
};

// Records the orphan in hangar.rejects: by its rowid when its table has an INTEGER PRIMARY KEY.
void record_orphan(const OrphanPass &pass, TidFetcher &reader, TupleTableSlot *slot) {
  const OrphanTable &child = pass.child;
  const OrphanForeignKey &fk = pass.fk;
  bool has_rowid = false;
  int64 rowid = 0;
  if (child.rowid_column) {
    AttrNumber a = get_attnum(reader.relid(), child.rowid_column);
    if (a != InvalidAttrNumber && !slot->tts_isnull[a - 1]) {
      Oid type = TupleDescAttr(reader.desc(), a - 1)->atttypid;
      Datum d = slot->tts_values[a - 1];
      rowid = type == INT8OID ? DatumGetInt64(d) : type == INT4OID ? DatumGetInt32(d) : DatumGetInt16(d);
      has_rowid = type == INT8OID || type == INT4OID || type == INT2OID;
    }
  }
  StringInfoData columns;
  initStringInfo(&columns);
  for (size_t i = 0; i < fk.child_sqlite_columns.size(); ++i)
    appendStringInfo(&columns, "%s%s", i ? ", " : "", fk.child_sqlite_columns[i].c_str());
  char *values = foreign_key_values(fk, reader, slot, true);
  record_reject(pass.run_id, child.sqlite_name.c_str(), has_rowid, rowid, columns.data,
                foreign_key_values(fk, reader, slot, false),
                ERRCODE_FOREIGN_KEY_VIOLATION,
                psprintf("%s: no row of \"%s\" matches %s once the sync is written", fk.label.c_str(),
                         pass.parent.sqlite_name.c_str(), values));
}

// Runs each(i) for the n orphans found, each in a memory context of its own, emptied after it.
template <typename Each>
void for_each_orphan(uint64 n, Each each) {
  MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar orphan", ALLOCSET_SMALL_SIZES);
  for (uint64 i = 0; i < n; ++i) {
    CHECK_FOR_INTERRUPTS();
    MemoryContext outer = MemoryContextSwitchTo(row_context);
    each(i);
    MemoryContextSwitchTo(outer);
    MemoryContextReset(row_context);
  }
  MemoryContextDelete(row_context);
}

// The orphans among child's rows to write: taken out of changes; the target keeps its version.
int64 reject_rows_to_write(const OrphanPass &pass) {
  OrphanTable &child = pass.child;
  StringInfoData sql;
  initStringInfo(&sql);
  if (child.keys.empty()) {  // its rows to write are all new
    appendStringInfo(&sql, "SELECT r.ctid, NULL::tid FROM %s r", child.changes.c_str());
  } else {
    appendStringInfo(&sql, "SELECT r.ctid, t.ctid FROM %s r LEFT JOIN %s t ON ", child.changes.c_str(),
                     child.target.c_str());
    append_key_match(&sql, child, "t", "r");
  }
  appendStringInfo(&sql, " WHERE %s", pass.condition);
  run(sql.data);
  uint64 n = SPI_processed;
  if (n == 0) return 0;
  ItemPointerData *tids = tids_of(2);
  TidFetcher changes(child.changes_relid, pass.snapshot), target(child.target_relid, pass.snapshot);
  CompareResult &r = *child.compared;
  for_each_orphan(n, [&](uint64 i) {
    TupleTableSlot *row = changes.fetch(&tids[2 * i]);
    r.expected.remove(
        row_hash(changes.desc(), child.changes_attnums, child.ncolumns, row->tts_values, row->tts_isnull));
    RowKey key = state_key(child, changes.desc(), child.changes_keys, child.changes_attnums, row);
    record_orphan(pass, changes, row);
    if (ItemPointerIsValid(&tids[2 * i + 1])) {
      TupleTableSlot *kept = target.fetch(&tids[2 * i + 1]);
      uint64 hash = row_hash(target.desc(), child.target_attnums, child.ncolumns, kept->tts_values, kept->tts_isnull);
      r.expected.add(hash);
      r.untouched.add(hash);
      r.updates--;
      pass.state->add(key, hash, 0);
    } else {
      r.inserts--;
      pass.state->remove(key);
    }
  });
  changes.close();
  target.close();
  run(psprintf("DELETE FROM %s r WHERE %s", child.changes.c_str(), pass.condition));
  return static_cast<int64>(n);
}

// The orphans among the target rows the sync would keep: their keys go to gone.
int64 reject_rows_kept(const OrphanPass &pass) {
  OrphanTable &child = pass.child;
  StringInfoData kept;
  initStringInfo(&kept);
  appendStringInfo(&kept, " FROM %s r WHERE ", child.target.c_str());
  append_kept(&kept, child, "r");
  appendStringInfo(&kept, " AND %s", pass.condition);
  run(psprintf("SELECT r.ctid%s", kept.data));
  uint64 n = SPI_processed;
  if (n == 0) return 0;
  ItemPointerData *tids = tids_of(1);
  TidFetcher target(child.target_relid, pass.snapshot);
  CompareResult &r = *child.compared;
  for_each_orphan(n, [&](uint64 i) {
    TupleTableSlot *row = target.fetch(&tids[i]);
    uint64 hash = row_hash(target.desc(), child.target_attnums, child.ncolumns, row->tts_values, row->tts_isnull);
    r.expected.remove(hash);
    r.untouched.remove(hash);
    r.deletes++;
    pass.state->remove(state_key(child, target.desc(), child.target_keys, child.target_attnums, row));
    record_orphan(pass, target, row);
  });
  target.close();
  StringInfoData insert;
  initStringInfo(&insert);
  appendStringInfo(&insert, "INSERT INTO %s SELECT ", child.gone.c_str());
  if (child.keys.empty()) appendStringInfoString(&insert, "r.ctid");
  for (size_t i = 0; i < child.keys.size(); ++i)
    appendStringInfo(&insert, "%sr.%s", i ? ", " : "", child.keys[i].c_str());
  appendStringInfoString(&insert, kept.data);
  run(insert.data);
  return static_cast<int64>(n);
}

// Whether the target rows a sync keeps may lose their parent: PostgreSQL's foreign key holds for
// them now, so only when the parent's rows go, or change the columns the key references.
bool may_lose_keys(const OrphanTable &parent, const OrphanForeignKey &fk) {
  if (parent.changes.empty()) return false;
  return parent.compared->deletes > 0 || (parent.compared->updates > 0 && fk.parent_columns != parent.keys);
}

}  // namespace

void reject_sync_orphans(std::vector<OrphanTable> *tables, std::vector<OrphanForeignKey> *keys, int64 run_id) {
  for (bool again = true; again;) {
    again = false;
    for (OrphanForeignKey &fk : *keys) {
      OrphanTable &child = (*tables)[fk.child];
      const OrphanTable &parent = (*tables)[fk.parent];
      if (child.changes.empty()) continue;
      char *condition = orphan_condition(fk, parent);
      CommandCounterIncrement();  // the comparison's rows in changes and gone are seen
      Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
      StateWriter state(child.state, StateWriter::Append, sync_state_size(child.state).next_chunk);
      OrphanPass pass{child, parent, fk, condition, snapshot, &state, run_id};
      int64 n = 0;
      if (child.compared->inserts + child.compared->updates > 0) n += reject_rows_to_write(pass);
      if (may_lose_keys(parent, fk)) n += reject_rows_kept(pass);
      state.finish();
      UnregisterSnapshot(snapshot);
      fk.rejected += n;
      again = again || n > 0;
    }
  }
}

}  // namespace hangar
