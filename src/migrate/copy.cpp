// The migration's data copy: SQLite rows straight into the new table's heap, without SQL in
// between. A read-ahead thread (core/row_reader) steps SQLite on the second core while this
// backend converts each value with the same conversion as the foreign scan and inserts rows in
// batches with table_multi_insert and a BulkInsertState, as COPY FROM does; stored generated
// columns are computed by PostgreSQL from the copied values. While copying, each row's content
// hash is summed, so verification needs no second read of SQLite; a migration may also be given
// each stored row with its hashes (CopySpec::row_stored) to record hangar_sync's state. For a
// foreign key checked during the copy, the parent's key values are kept in a KeySet as they are
// inserted, and each child row's value is looked up there (a miss is counted; the caller names
// the orphans once the table is complete). hangar_sync's hooks
// (CopySpec::choose_row and friends) choose the rows inserted and may skip converting a row
// whose raw values it has seen before.
//
// In stop mode the first value that cannot arrive exactly raises an error naming table, column,
// rowid, value and reason. In reject mode the row is recorded in hangar.rejects and skipped;
// conversions that go through a type's input function run in a subtransaction there, so any
// error they raise is caught safely.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/transam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "commands/progress.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "utils/backend_progress.h"
#include "utils/builtins.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
}

#include "pg/error_bridge.hpp"
#include "convert/row_context.hpp"
#include "convert/value_convert.hpp"
#include "core/row_reader.hpp"

namespace hangar {

namespace {

// A row's values that arrived by a conversion the report names (NotedConversion), per kind:
// how many, and the first one, counted in the result when the row is copied.
struct NotedInRow {
  int64 count = 0;
  int column = -1;
  const char *text = nullptr;
  const char *row = nullptr;
};

constexpr int kBatchRows = 1000;
// A batch is also flushed once its converted values take this much memory, so wide rows
// (large text or blobs) keep memory bounded per row, not per batch.
constexpr Size kBatchBytes = 4 * 1024 * 1024;

}  // namespace

// The statements and their reader thread, released by a memory-context reset callback so that
// an error anywhere in the copy stops the thread before the statements are finalized.
struct SqliteRead {
  sqlite3_stmt **stmts;
  int nstmts;
  RowReader *reader;
  MemoryContextCallback cleanup;
};

namespace {

void release_statement(void *arg) {
  pg_nothrow("stop its SQLite reader thread", [&] {
    SqliteRead *owner = static_cast<SqliteRead *>(arg);
    if (owner->reader && owner->reader->threaded()) connection_set_reader(nullptr, nullptr, nullptr);
    delete owner->reader;
    owner->reader = nullptr;
    for (int i = 0; i < owner->nstmts; ++i) {
      if (owner->stmts[i]) sqlite3_finalize(owner->stmts[i]);
      owner->stmts[i] = nullptr;
    }
  });
}

// The raw hashes of the spec's rows: its SQLite columns (not the rowid read after them), seeded.
RawHashing raw_hashing(const CopySpec &spec) { return {spec.raw_seed, spec.ncolumns}; }

// The specs' SELECTs prepared and read in turn (on a thread of its own when threaded), owned by
// the current memory context; a failure to start is raised as an ERROR. The raw hashes a
// migration records for hangar_sync, and those hangar_sync compares, are computed by the reader.
SqliteRead *open_read(sqlite3 *db, const CopySpec *const *specs, int n, bool threaded, size_t ahead_bytes) {
  SqliteRead *owner = static_cast<SqliteRead *>(palloc0(sizeof(SqliteRead)));
  owner->stmts = static_cast<sqlite3_stmt **>(palloc0(sizeof(sqlite3_stmt *) * n));
  owner->cleanup.func = release_statement;
  owner->cleanup.arg = owner;
  MemoryContextRegisterResetCallback(CurrentMemoryContext, &owner->cleanup);
  for (int i = 0; i < n; ++i) {
    int rc = sqlite3_prepare_v2(db, specs[i]->select_sql, -1, &owner->stmts[i], nullptr);
    owner->nstmts = i + 1;
    if (rc != SQLITE_OK) report_sqlite_error(db, rc, psprintf("could not read SQLite table \"%s\"", specs[i]->sqlite_table));
  }
  char message[256] = "";
  try {
    std::vector<ReadStatement> statements;
    for (int i = 0; i < n; ++i) {
      const CopySpec &spec = *specs[i];
      statements.push_back({owner->stmts[i], spec.ncolumns + (spec.has_rowid ? 1 : 0),
                            spec.hash_raw ? raw_hashing(spec) : RawHashing{}});
    }
    owner->reader = new RowReader(std::move(statements), kBatchRows, kBatchBytes, threaded, ahead_bytes);
  } catch (const std::exception &e) {
    snprintf(message, sizeof message, "%s", e.what());
  } catch (...) {
    snprintf(message, sizeof message, "unexpected C++ exception");
  }
  if (!owner->reader)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_RESOURCES), errmsg("could not start the SQLite reader thread"),
                    errdetail("%s", message)));
  if (threaded) connection_set_reader(db, release_statement, owner);
  return owner;
}

// Whether converting every column runs only PostgreSQL's own input code, which never queries:
// a domain's CHECK or a user-defined type's input function may read a foreign table on the same
// file, so such a table is read on the backend's own thread.
bool conversions_run_no_queries(const CopySpec &spec, TupleDesc desc) {
  for (int i = 0; i < spec.ncolumns; ++i) {
    Oid type = TupleDescAttr(desc, spec.attnums[i] - 1)->atttypid;
    char kind = get_typtype(type);
    if (kind == TYPTYPE_DOMAIN || (type >= FirstNormalObjectId && kind != TYPTYPE_ENUM)) return false;
  }
  return true;
}

bool may_raise(const ColumnConverter *conv) {
  // Text into a database that is not UTF8 is transcoded, which raises for a character the
  // database's encoding lacks.
  return !conv->utf8_database || conv->kind == ConvertKind::Generic || conv->kind == ConvertKind::Jsonb ||
         conv->kind == ConvertKind::Bit || conv->kind == ConvertKind::VarBit;
}

// convert_value, with errors raised by input functions turned into failures (reject mode).
bool convert_catching(const ColumnConverter *conv, const SqliteValue &v, Datum *value, bool *isnull,
                      ConversionFailure *failure) {
  if (!may_raise(conv)) return convert_value(conv, v, value, isnull, failure);
  bool ok = false;
  ErrorData *error = in_subtransaction([&] {
    // No C++ exception may unwind through the subtransaction's PG_TRY: any that reaches here
    // (palloc_string's out of memory) is raised as a PostgreSQL error instead, which the
    // subtransaction catches and the filter below judges.
    bool out_of_memory = false;
    try {
      ok = convert_value(conv, v, value, isnull, failure);
    } catch (...) {
      out_of_memory = true;
    }
    if (out_of_memory) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  });
  if (!error) return ok;
  // Only a value's own problem rejects its row; anything else (a cancel, out of memory) fails.
  if (!is_value_error(error->sqlerrcode) || QueryCancelPending || ProcDiePending) ReThrowError(error);
  failure->sqlstate = error->sqlerrcode;
  failure->message = error->message;
  failure->hint = error->hint;
  return false;
}

// One value converted as the copy's mode wants: in reject mode errors raised by input functions
// become failures (convert_catching); in stop mode they are raised.
bool convert_column(const CopySpec &spec, const ColumnConverter *conv, const SqliteValue &v, Datum *value, bool *isnull,
                    ConversionFailure *failure) {
  return spec.on_error == OnError::Reject ? convert_catching(conv, v, value, isnull, failure)
                                          : convert_value(conv, v, value, isnull, failure);
}

// Whether a conversion failed only because the value is too wide for its column's type, and the
// wider type that holds it: SQLite's integers are 64-bit whatever the declared type, an INTEGER
// column keeps a REAL with a fraction (Firefox decays counts by multiplying them), and a
// timestamp column's text may carry a zone.
Widening widening_for(const ConversionFailure &failure, const SqliteValue &v, Oid column_type) {
  if (failure.zone_dropped) return Widening::Zone;
  if (failure.sqlstate != ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE) return Widening::None;
  bool integer_column = column_type == INT2OID || column_type == INT4OID || column_type == INT8OID;
  if (v.type == SQLITE_INTEGER && (column_type == INT2OID || column_type == INT4OID)) return Widening::Integer;
  if (v.type == SQLITE_FLOAT && integer_column) return Widening::Float;
  if (v.type == SQLITE_INTEGER && column_type == FLOAT8OID) return Widening::Numeric;
  return Widening::None;
}

class BatchInserter {
 public:
  BatchInserter(Relation rel) : rel_(rel) {
    for (int i = 0; i < kBatchRows; ++i) slots_[i] = table_slot_create(rel, nullptr);
    bistate_ = GetBulkInsertState();
    cid_ = GetCurrentCommandId(true);
    // Rows of a table created in this subtransaction are written frozen, as COPY FREEZE writes
    // them, under COPY FREEZE's own conditions: if the transaction aborts the table goes with it,
    // and no snapshot or cursor of this transaction older than the table can scan it.
    InvalidateCatalogSnapshot();
    if (rel->rd_createSubid == GetCurrentSubTransactionId() && ThereAreNoPriorRegisteredSnapshots() &&
        ThereAreNoReadyPortals())
      options_ |= TABLE_INSERT_FROZEN;
    TupleDesc desc = RelationGetDescr(rel);
    if (desc->constr && desc->constr->has_generated_stored) {
      estate_ = CreateExecutorState();
      rri_ = makeNode(ResultRelInfo);
      InitResultRelInfo(rri_, rel, 1, nullptr, 0);
    }
  }

  // Whether storing a row computes the table's stored generated columns.
  bool computes_generated() const { return rri_ != nullptr; }

  TupleTableSlot *next_slot() {
    ExecClearTuple(slots_[buffered_]);
    return slots_[buffered_];
  }

  // Stores the filled slot (the row's SQLite rowid beside it); true when the batch is full.
  bool store(TupleTableSlot *slot, int64 rowid) {
    rowids_[buffered_] = rowid;
    ExecStoreVirtualTuple(slot);
    if (rri_) {
      ExecComputeStoredGenerated(rri_, estate_, slot, CMD_INSERT);
      ResetPerTupleExprContext(estate_);
    }
    return ++buffered_ == kBatchRows;
  }

  // Inserts the batch; with a rowid map, records where each row went.
  void flush(RowidMap *map) {
    if (buffered_ == 0) return;
    table_multi_insert(rel_, slots_, buffered_, cid_, options_, bistate_);
    for (int i = 0; i < buffered_; ++i) {
      if (map) rowid_map_add(map, &slots_[i]->tts_tid, rowids_[i]);
      ExecClearTuple(slots_[i]);
    }
    buffered_ = 0;
  }

  void finish(RowidMap *map) {
    flush(map);
    FreeBulkInsertState(bistate_);
    table_finish_bulk_insert(rel_, options_);
    for (int i = 0; i < kBatchRows; ++i) ExecDropSingleTupleTableSlot(slots_[i]);
    if (estate_) FreeExecutorState(estate_);
  }

 private:
  Relation rel_;
  TupleTableSlot *slots_[kBatchRows];
  int64 rowids_[kBatchRows];
  int buffered_ = 0;
  BulkInsertState bistate_;
  CommandId cid_;
  int options_ = TABLE_INSERT_SKIP_FSM;
  EState *estate_ = nullptr;
  ResultRelInfo *rri_ = nullptr;
};

// Stores a row whose generated columns PostgreSQL computes; should that fail, says where in
// *failure (allocated in `keep`) before the error goes on to the caller.
bool store_noting_failure(BatchInserter *inserter, TupleTableSlot *slot, int64 rowid, bool is_rowid, MemoryContext keep,
                          char **failure) {
  MemoryContext current = CurrentMemoryContext;
  volatile bool full = false;
  PG_TRY();
  {
    full = inserter->store(slot, rowid);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(keep);
    ErrorData *error = CopyErrorData();
    *failure = psprintf("computing it in PostgreSQL failed for %s " INT64_FORMAT ": %s", is_rowid ? "rowid" : "row",
                        rowid, error->message);
    MemoryContextSwitchTo(current);
    PG_RE_THROW();
  }
  PG_END_TRY();
  return full;
}

// The first generated column whose value PostgreSQL computed differs from the one SQLite stored
// (converted like any other value); -1 when they all agree.
int generated_mismatch(const CopySpec &spec, TupleDesc desc, TupleTableSlot *slot, const Datum *values,
                       const bool *nulls) {
  for (int i = 0; i < spec.ncolumns; ++i) {
    if (spec.inserted[i]) continue;
    int a = spec.attnums[i] - 1;
    if (!same_stored_value(TupleDescAttr(desc, a), slot->tts_values[a], slot->tts_isnull[a], values[a], nulls[a]))
      return i;
  }
  return -1;
}

// Converts row r's key columns only; false when one does not convert.
bool convert_key(const CopySpec &spec, const ColumnConverter *converters, const RowBatch *batch, size_t r,
                 Datum *values, bool *nulls) {
  for (int k = 0; k < spec.nkey_columns; ++k) {
    int i = spec.key_columns[k];
    int a = spec.attnums[i] - 1;
    ConversionFailure failure;
    if (!convert_column(spec, &converters[i], batch->value(r, i), &values[a], &nulls[a], &failure)) return false;
  }
  return true;
}

// The key of every row of a batch (spec.key_of), before its rows are looked at one by one;
// has_key[r] false when row r's key does not convert.
void batch_keys(const CopySpec &spec, const ColumnConverter *converters, const RowBatch *batch, TupleDesc desc,
                Datum *values, bool *nulls, RowKey *keys, bool *has_key) {
  for (size_t r = 0; r < batch->rows(); ++r) {
    has_key[r] = convert_key(spec, converters, batch, r, values, nulls);
    if (has_key[r]) keys[r] = spec.key_of(spec.row_arg, desc, values, nulls);
  }
}

// spec.skip_unchanged's answer for row r, given the hash of its raw values (the reader's).
bool unchanged_row(const CopySpec &spec, const RowBatch *batch, size_t r, const RowKey &key, uint64 *hash) {
  return spec.skip_unchanged(spec.row_arg, key, batch->raw_hash(r), hash);
}

char *value_text(Form_pg_attribute att, Datum value, bool isnull) {
  if (isnull) return pstrdup("NULL");
  Oid output;
  bool varlena;
  getTypeOutputInfo(att->atttypid, &output, &varlena);
  char *text = OidOutputFunctionCall(output, value);
  if (strlen(text) > 40) strcpy(text + 37, "...");
  return quote_literal_cstr(text);
}

char *describe_mismatch(const CopySpec &spec, TupleDesc desc, TupleTableSlot *slot, const Datum *values,
                        const bool *nulls, int column, const RowContext &row) {
  int a = spec.attnums[column] - 1;
  Form_pg_attribute att = TupleDescAttr(desc, a);
  bool is_rowid;
  int64 id = current_rowid(row, &is_rowid);
  return psprintf("its PostgreSQL expression gives %s where SQLite stored %s (%s " INT64_FORMAT ")",
                  value_text(att, slot->tts_values[a], slot->tts_isnull[a]), value_text(att, values[a], nulls[a]),
                  is_rowid ? "rowid" : "row", id);
}

}  // namespace

SqliteRead *start_read_ahead(sqlite3 *db, const CopySpec *const *specs, const Relation *rels, int n,
                             size_t ahead_bytes) {
  for (int i = 0; i < n; ++i)
    if (!conversions_run_no_queries(*specs[i], RelationGetDescr(rels[i]))) return nullptr;  // no thread to read ahead on
  return open_read(db, specs, n, true, ahead_bytes);
}

void end_read_ahead(SqliteRead *read) { release_statement(read); }

CopyResult copy_table(sqlite3 *db, const CopySpec &spec, Relation rel, const ServerOptions &server, SqliteRead *ahead) {
  CopyResult result;
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  MemoryContext copy_context = AllocSetContextCreate(CurrentMemoryContext, "hangar copy", ALLOCSET_DEFAULT_SIZES);
  MemoryContext old_context = MemoryContextSwitchTo(copy_context);
  TupleDesc desc = RelationGetDescr(rel);
  ColumnConverter *converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * spec.ncolumns));
  bool *not_null = static_cast<bool *>(palloc(sizeof(bool) * spec.ncolumns));
  for (int i = 0; i < spec.ncolumns; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, spec.attnums[i] - 1);
    ColumnOptions column;
    column.column_name = spec.sqlite_columns[i];
    converter_init(&converters[i], att->atttypid, att->atttypmod, column, server);
    not_null[i] = att->attnotnull && spec.inserted[i];
  }
  bool *failed = static_cast<bool *>(palloc0(sizeof(bool) * spec.ncolumns));
  Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * desc->natts));
  bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * desc->natts));
  memset(nulls, true, sizeof(bool) * desc->natts);

  const CopySpec *specs[1] = {&spec};
  SqliteRead *owner = ahead ? ahead : open_read(db, specs, 1, conversions_run_no_queries(spec, desc), 0);

  RowContext row = {spec.sqlite_table, spec.sqlite_columns, nullptr, -1, 0};
  row.key_columns = spec.naming_key;
  row.nkey_columns = spec.nnaming_key;
  ErrorContextCallback error_context;
  error_context.callback = row_error_context;
  error_context.arg = &row;
  error_context.previous = error_context_stack;
  error_context_stack = &error_context;

  BatchInserter *inserter = spec.insert ? new (palloc(sizeof(BatchInserter))) BatchInserter(rel) : nullptr;
  if (spec.insert) {
    pgstat_progress_start_command(PROGRESS_COMMAND_COPY, RelationGetRelid(rel));
    pgstat_progress_update_param(PROGRESS_COPY_COMMAND, PROGRESS_COPY_COMMAND_FROM);
    pgstat_progress_update_param(PROGRESS_COPY_TYPE, PROGRESS_COPY_TYPE_CALLBACK);
  }
  // One block large enough for a typical batch, kept across resets: no malloc churn per batch.
  MemoryContext batch_context =
      AllocSetContextCreate(copy_context, "hangar copy batch", kBatchBytes, kBatchBytes, ALLOCSET_DEFAULT_MAXSIZE);
  const RowBatch *batch;
  bool skipping = spec.skip_unchanged && spec.key_of;
  RowKey *keys = skipping ? palloc_items<RowKey>(kBatchRows) : nullptr;
  bool *has_key = skipping ? palloc_items<bool>(kBatchRows) : nullptr;
  while (!result.stopped_early() && (batch = owner->reader->next())) {
    if (skipping) {
      MemoryContextSwitchTo(batch_context);
      batch_keys(spec, converters, batch, desc, values, nulls, keys, has_key);
      MemoryContextSwitchTo(copy_context);
    }
    for (size_t r = 0; r < batch->rows(); ++r) {
      CHECK_FOR_INTERRUPTS();
      row.row_number++;
      row.rowid = spec.has_rowid ? &batch->value(r, spec.ncolumns) : nullptr;
      row.values = &batch->value(r, 0);
      MemoryContextSwitchTo(batch_context);
      uint64 unchanged_hash = 0;
      bool unchanged = skipping && has_key[r] && unchanged_row(spec, batch, r, keys[r], &unchanged_hash);
      bool rejected = false;
      NotedInRow noted[kNotedConversions];
      for (int i = 0; i < (unchanged ? 0 : spec.ncolumns); ++i) {
        row.current_column = i;
        int a = spec.attnums[i] - 1;
        const SqliteValue &v = batch->value(r, i);
        failed[i] = false;
        ConversionFailure failure;
        bool ok = convert_column(spec, &converters[i], v, &values[a], &nulls[a], &failure);
        if (ok && failure.noted != NotedConversion::None) {
          int k = static_cast<int>(failure.noted) - 1;
          if (noted[k].count++ == 0 && result.noted[k].count == 0)
            noted[k] = {1, i, describe_sqlite_value(v), current_row_name(row)};
        }
        if (ok && nulls[a] && not_null[i]) {
          ok = false;
          failure = {ERRCODE_NOT_NULL_VIOLATION,
                     psprintf("null value in column \"%s\" violates a not-null constraint",
                              NameStr(TupleDescAttr(desc, a)->attname)),
                     nullptr};
        }
        if (ok) continue;
        Widening widening = spec.widen_columns && spec.widen_columns[i]
                                ? widening_for(failure, v, TupleDescAttr(desc, a)->atttypid)
                                : Widening::None;
        if (widening != Widening::None) {
          result.widen_column = i;
          result.widen_to = widening;
          result.widen_value = v.type == SQLITE_INTEGER ? v.integer : 0;
          result.widen_text = describe_sqlite_value(v);
          result.widen_row = current_row_name(row);
          break;
        }
        if (spec.on_error == OnError::Stop) raise_conversion_failure(failure);
        rejected = failed[i] = true;
        if (spec.insert) {
          bool is_rowid;
          int64 id = current_rowid(row, &is_rowid);
          char *key = current_row_key(row);  // a row without rowid is found by its key
          record_reject(spec.run_id, spec.sqlite_table, is_rowid, id, spec.sqlite_columns[i], describe_sqlite_value(v),
                        failure.sqlstate, key ? psprintf("%s (%s)", failure.message, key) : failure.message);
        }
      }
      row.current_column = -1;
      row.values = nullptr;  // the batch may go before the context is next used
      MemoryContextSwitchTo(copy_context);
      if (result.widen_column >= 0) break;
      bool batch_full = false;
      if (unchanged) {
        result.source.add(unchanged_hash);
        result.rows_copied++;
      } else if (rejected) {
        result.rows_rejected++;
        if (spec.rejected_row) spec.rejected_row(spec.row_arg, desc, values, nulls, failed);
      } else {
        uint64 hash = row_hash(desc, spec.attnums, spec.ncolumns, values, nulls);
        RowRejection why{};
        RowFate fate = spec.choose_row ? spec.choose_row(spec.row_arg, desc, values, nulls, hash, &why) : RowFate::Write;
        if (fate == RowFate::Reject) {
          result.rows_rejected++;
          bool is_rowid;
          int64 id = current_rowid(row, &is_rowid);
          record_reject(spec.run_id, spec.sqlite_table, is_rowid, id, why.columns, why.value, why.sqlstate, why.reason);
        } else {
          result.source.add(hash);
          result.rows_copied++;
          for (int k = 0; k < kNotedConversions; ++k) {
            if (noted[k].count == 0) continue;
            if (result.noted[k].count == 0) {
              result.noted[k].column = noted[k].column;
              result.noted[k].text = MemoryContextStrdup(copy_context, noted[k].text);
              result.noted[k].row = MemoryContextStrdup(copy_context, noted[k].row);
            }
            result.noted[k].count += noted[k].count;
          }
        }
        if (inserter && fate == RowFate::Write) {
          // Foreign keys checked during the copy: the parent's key values kept, the child's looked up.
          if (spec.collect && !nulls[spec.collect_attnum - 1])
            key_set_add(spec.collect, integer_datum(spec.collect_type, values[spec.collect_attnum - 1]));
          for (int k = 0; k < spec.nchecks; ++k) {
            int a = spec.check_attnums[k] - 1;
            if (!nulls[a] && !key_set_contains(spec.check_sets[k], integer_datum(spec.check_types[k], values[a])))
              spec.missing[k]++;
          }
          TupleTableSlot *slot = inserter->next_slot();
          memcpy(slot->tts_values, values, sizeof(Datum) * desc->natts);
          memcpy(slot->tts_isnull, nulls, sizeof(bool) * desc->natts);
          for (int i = 0; i < spec.ncolumns; ++i)
            if (!spec.inserted[i]) slot->tts_isnull[spec.attnums[i] - 1] = true;
          bool is_rowid;
          int64 rowid = current_rowid(row, &is_rowid);
          if (spec.generated_failure)
            batch_full = store_noting_failure(inserter, slot, rowid, is_rowid, old_context, spec.generated_failure);
          else
            batch_full = inserter->store(slot, rowid);
          if (spec.row_stored) spec.row_stored(spec.row_arg, desc, values, nulls, hash, batch->raw_hash(r));
          // Only where PostgreSQL computed the generated columns (a table of hangar_sync's has
          // them as plain columns, left NULL) is each compared with the value SQLite stored.
          if (inserter->computes_generated())
            result.generated_mismatch = generated_mismatch(spec, desc, slot, values, nulls);
          if (result.generated_mismatch >= 0) {
            result.mismatch = describe_mismatch(spec, desc, slot, values, nulls, result.generated_mismatch, row);
            break;
          }
        }
      }
      // A rejected row's messages live in the batch context too, so the memory bound is checked
      // after every row, copied or not.
      if (!inserter) {
        MemoryContextReset(batch_context);
      } else if (batch_full || batch_context->mem_allocated > kBatchBytes) {
        // table_multi_insert allocates per call in the current context: the batch's, reset next.
        MemoryContextSwitchTo(batch_context);
        inserter->flush(spec.rowids);
        MemoryContextSwitchTo(copy_context);
        MemoryContextReset(batch_context);
        pgstat_progress_update_param(PROGRESS_COPY_TUPLES_PROCESSED, result.rows_copied);
        pgstat_progress_update_param(PROGRESS_COPY_TUPLES_EXCLUDED, result.rows_rejected);
      }
    }
  }
  row.rowid = nullptr;
  if (ahead && result.stopped_early())
    while (owner->reader->next()) {  // the rest of this table's rows: the next copy reads the next table's
    }
  int rc = owner->reader->result_code();
  if (rc != SQLITE_DONE && !result.stopped_early())
    report_sqlite_error(db, rc, psprintf("could not read SQLite table \"%s\"", spec.sqlite_table));
  if (inserter) {
    inserter->finish(spec.rowids);
    pgstat_progress_end_command();
  }
  error_context_stack = error_context.previous;
  MemoryContextSwitchTo(old_context);
  if (result.mismatch) result.mismatch = pstrdup(result.mismatch);  // outlives the copy's context
  if (result.widen_row) result.widen_row = pstrdup(result.widen_row);
  if (result.widen_text) result.widen_text = pstrdup(result.widen_text);
  for (CopyResult::NotedValues &n : result.noted) {
    if (n.text) n.text = pstrdup(n.text);
    if (n.row) n.row = pstrdup(n.row);
  }
  MemoryContextDelete(copy_context);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace hangar
