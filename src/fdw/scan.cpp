// Executor callbacks of the foreign scan. The SQLite statement is owned by the scan's memory
// context (prepare_owned_statement), so an error anywhere (even one that skips EndForeignScan)
// never leaks it. Each row is converted in a per-row memory context reset before
// the next row, so memory stays flat however many rows are read. Conversion errors name table,
// column and rowid through an error context callback, which reads the rowid only when it fires.
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "commands/explain.h"
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"  // ExplainProperty*, out of explain.h in PostgreSQL 18
#include "commands/explain_state.h"
#endif
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

#include "pg/error_bridge.hpp"
#include "convert/row_context.hpp"
#include "convert/value_convert.hpp"
#include "convert/value_write.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

namespace {

struct ScanState {
  sqlite3_stmt *stmt;
  int ncolumns;                  // retrieved columns, in SELECT order
  AttrNumber *attnums;
  ColumnConverter *converters;
  bool has_rowid;                // the SELECT ends with the rowid
  bool counting;                 // the query is a count(*): its one value fills every output column
  SqliteValue rowid;
  RowContext row;                // for error context: table, column, rowid
  List *param_states;            // ExprState of each shipped condition's value, bound as ?1, ?2, ...
  bool params_bound;
  MemoryContext row_context;
};

// Evaluates the shipped conditions' values (constants or query parameters) and binds them.
void bind_parameters(ScanState *state, ExprContext *econtext) {
  MemoryContext old_context = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
  int index = 1;
  ListCell *cell;
  foreach (cell, state->param_states) {
    ExprState *expr = static_cast<ExprState *>(lfirst(cell));
    bool isnull;
    Datum value = ExecEvalExpr(expr, econtext, &isnull);
    int rc;
    Oid type = getBaseType(exprType(reinterpret_cast<Node *>(expr->expr)));
    if (isnull) {
      rc = sqlite3_bind_null(state->stmt, index);
    } else if (type == TEXTOID || type == VARCHAROID) {
      text *t = DatumGetTextPP(value);
      bind_server_text(state->stmt, index, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
      rc = SQLITE_OK;
    } else {
      int64 v = type == INT2OID ? DatumGetInt16(value) : type == INT4OID ? DatumGetInt32(value) : DatumGetInt64(value);
      rc = sqlite3_bind_int64(state->stmt, index, v);
    }
    if (rc != SQLITE_OK)
      report_sqlite_error(sqlite3_db_handle(state->stmt), rc, "could not bind a parameter of a SQLite query");
    ++index;
  }
  MemoryContextSwitchTo(old_context);
  state->params_bound = true;
}

}  // namespace

void hangarBeginForeignScan(ForeignScanState *node, int eflags) {
  pg_entry([&] {
    if (eflags & EXEC_FLAG_EXPLAIN_ONLY) return;
    ForeignScan *plan = reinterpret_cast<ForeignScan *>(node->ss.ps.plan);
    Oid relid = static_cast<Oid>(strtoul(strVal(list_nth(plan->fdw_private, kPrivateRelid)), nullptr, 10));
    // a count(*) scan has no scan relation, and retrieves no attribute
    TupleDesc desc = node->ss.ss_ScanTupleSlot->tts_tupleDescriptor;
    const char *sql = strVal(list_nth(plan->fdw_private, kPrivateSql));
    List *retrieved = static_cast<List *>(list_nth(plan->fdw_private, kPrivateRetrievedAttrs));
    bool has_rowid = intVal(list_nth(plan->fdw_private, kPrivateHasRowid)) != 0;
    Oid serverid = GetForeignTable(relid)->serverid;
    ServerOptions server = server_options(serverid);

    ScanState *state = static_cast<ScanState *>(palloc0(sizeof(ScanState)));
    state->ncolumns = list_length(retrieved);
    state->attnums = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (state->ncolumns + 1)));
    const char **sqlite_columns = static_cast<const char **>(palloc(sizeof(char *) * (state->ncolumns + 1)));
    state->converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * (state->ncolumns + 1)));
    state->row.table = foreign_table_sqlite_name(relid);
    state->row.columns = sqlite_columns;
    state->has_rowid = has_rowid;
    state->counting = intVal(list_nth(plan->fdw_private, kPrivateCounts)) > 0;
    state->row.rowid = has_rowid ? &state->rowid : nullptr;
    state->row.current_column = -1;
    state->param_states = ExecInitExprList(plan->fdw_exprs, &node->ss.ps);
    int i = 0;
    ListCell *cell;
    foreach (cell, retrieved) {
      AttrNumber attnum = static_cast<AttrNumber>(lfirst_int(cell));
      Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
      ColumnOptions column = column_options(relid, attnum);
      state->attnums[i] = attnum;
      sqlite_columns[i] = column.column_name;
      converter_init(&state->converters[i], att->atttypid, att->atttypmod, column, server);
      ++i;
    }
    state->row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar_fdw row", ALLOCSET_DEFAULT_SIZES);

    PlannedStmt *statement = node->ss.ps.state->es_plannedstmt;
    bool writing = statement->commandType != CMD_SELECT || statement->hasModifyingCTE;
    sqlite3 *db = connection_for_relation(relid, writing).handle();
    prepare_owned_statement(db, sql, &state->stmt,
                            psprintf("could not prepare query on SQLite table \"%s\"", state->row.table));
    node->fdw_state = state;
  });
}

TupleTableSlot *hangarIterateForeignScan(ForeignScanState *node) {
  return pg_entry([&] {
    ScanState *state = static_cast<ScanState *>(node->fdw_state);
    TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
    ExecClearTuple(slot);
    CHECK_FOR_INTERRUPTS();
    if (!state->params_bound) bind_parameters(state, node->ss.ps.ps_ExprContext);
    int rc = sqlite3_step(state->stmt);
    if (rc == SQLITE_DONE) return slot;
    if (rc != SQLITE_ROW)
      report_sqlite_error(sqlite3_db_handle(state->stmt), rc,
                          psprintf("could not read SQLite table \"%s\"", state->row.table));
    state->row.row_number++;
    if (state->counting) {
      Datum count = Int64GetDatum(sqlite3_column_int64(state->stmt, 0));
      for (int i = 0; i < slot->tts_tupleDescriptor->natts; ++i) {
        slot->tts_values[i] = count;
        slot->tts_isnull[i] = false;
      }
      return ExecStoreVirtualTuple(slot);
    }
    if (state->has_rowid) state->rowid = read_sqlite_value(state->stmt, state->ncolumns);

    MemoryContextReset(state->row_context);
    MemoryContext old_context = MemoryContextSwitchTo(state->row_context);
    store_converted_row(state->stmt, state->ncolumns, state->attnums, state->converters, &state->row, slot);
    MemoryContextSwitchTo(old_context);
    if (state->has_rowid && state->rowid.type == SQLITE_INTEGER) rowid_to_tid(state->rowid.integer, &slot->tts_tid);
    return slot;
  });
}

void hangarReScanForeignScan(ForeignScanState *node) {
  pg_entry([&] {
    ScanState *state = static_cast<ScanState *>(node->fdw_state);
    if (!state) return;
    if (state->stmt) sqlite3_reset(state->stmt);
    state->row.row_number = 0;
    state->params_bound = false;  // parameters may have changed
  });
}

void hangarEndForeignScan(ForeignScanState *node) {
  pg_entry([&] {
    ScanState *state = static_cast<ScanState *>(node->fdw_state);
    if (!state) return;
    finish_owned_statement(&state->stmt);
    MemoryContextDelete(state->row_context);
  });
}

void hangarExplainForeignScan(ForeignScanState *node, ExplainState *es) {
  pg_entry([&] {
    if (!es->verbose) return;
    ForeignScan *plan = reinterpret_cast<ForeignScan *>(node->ss.ps.plan);
    ExplainPropertyText("SQLite query", strVal(list_nth(plan->fdw_private, kPrivateSql)), es);
  });
}

}  // namespace hangar
