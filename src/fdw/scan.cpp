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
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

#include "pg/error_bridge.hpp"
#include "convert/row_context.hpp"
#include "convert/value_convert.hpp"
#include "convert/value_write.hpp"
#include "fdw/pushdown.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

namespace {

// One table of a join SQLite makes: which result columns are its, and how to convert them.
struct JoinTableState {
  int first;                     // its first result column
  int ncolumns;
  AttrNumber *positions;         // their positions in the scan tuple (1-based)
  ColumnConverter *converters;
  RowContext row;                // names its table, column and rowid in conversion errors
  SqliteValue rowid;
  int rowid_column;              // -1 when it has no rowid
};

struct ScanState {
  sqlite3_stmt *stmt;
  int ncolumns;                  // retrieved columns, in SELECT order
  AttrNumber *attnums;
  ColumnConverter *converters;
  bool has_rowid;                // the SELECT ends with the rowid
  List *outputs;                 // an aggregation's outputs (ShippedAggregation); NIL for rows
  List *aggregate_guard;         // its guard (kPrivateAggregateGuard), checked before the first row
  bool guard_checked;
  JoinTableState *join_tables;   // the two tables of a join (kPrivateJoinTables); nullptr otherwise
  SqliteValue rowid;
  RowContext row;                // for error context: table, column, rowid
  List *param_states;            // ExprState of each shipped condition's value, bound as ?1, ?2, ...
  bool params_bound;
  MemoryContext row_context;
};

// Evaluates the shipped conditions' values (constants or query parameters) and binds them to stmt.
void bind_parameters(const ScanState *state, sqlite3_stmt *stmt, ExprContext *econtext) {
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
      rc = sqlite3_bind_null(stmt, index);
    } else if (type == TEXTOID || type == VARCHAROID) {
      text *t = DatumGetTextPP(value);
      bind_server_text(stmt, index, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
      rc = SQLITE_OK;
    } else {
      int64 v = type == INT2OID ? DatumGetInt16(value) : type == INT4OID ? DatumGetInt32(value) : DatumGetInt64(value);
      rc = sqlite3_bind_int64(stmt, index, v);
    }
    if (rc != SQLITE_OK)
      report_sqlite_error(sqlite3_db_handle(stmt), rc, "could not bind a parameter of a SQLite query");
    ++index;
  }
  MemoryContextSwitchTo(old_context);
}

// Sets up the converter of a foreign table's attribute (its type and column options, for scans
// without a scan relation: aggregations, joins, the aggregation guard); its SQLite column name.
const char *attribute_converter(ColumnConverter *conv, Oid relid, AttrNumber attnum, const ServerOptions &server) {
  Oid type;
  int32 typmod;
  Oid collation;
  get_atttypetypmodcoll(relid, attnum, &type, &typmod, &collation);
  ColumnOptions column = column_options(relid, attnum);
  converter_init(conv, type, typmod, column, server);
  return column.column_name;
}

// The outputs of an aggregation that read through a converter (grouping columns, min, max) are
// its first result columns: they are converted as a scan's row is, into their output positions.
void init_aggregate_outputs(ScanState *state, TupleDesc desc, Oid relid, const ServerOptions &server) {
  int count = list_length(state->outputs);
  state->attnums = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (count + 1)));
  state->converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * (count + 1)));
  const char **sqlite_columns = static_cast<const char **>(palloc(sizeof(char *) * (count + 1)));
  state->row.columns = sqlite_columns;
  state->ncolumns = 0;
  int position = 0;
  ListCell *cell;
  foreach (cell, state->outputs) {
    List *output = lfirst_node(List, cell);
    ++position;
    if (linitial_int(output) != kOutputConverted) continue;
    int i = lsecond_int(output);  // converted outputs are result columns 0, 1, ...
    ColumnOptions column = column_options(relid, static_cast<AttrNumber>(lthird_int(output)));
    Form_pg_attribute att = TupleDescAttr(desc, position - 1);
    state->attnums[i] = static_cast<AttrNumber>(position);
    sqlite_columns[i] = column.column_name;
    converter_init(&state->converters[i], att->atttypid, att->atttypmod, column, server);
    ++state->ncolumns;
  }
}

// Before the first group: a row whose value an aggregate would read although PostgreSQL cannot
// (ShippedAggregation::guard) is converted here, and fails as the same scan without pushdown
// fails on it.
void check_aggregate_guard(ScanState *state, sqlite3_stmt *probe, Oid relid, const ServerOptions &server) {
  List *attnums = static_cast<List *>(lsecond(state->aggregate_guard));
  bool has_rowid = intVal(lthird(state->aggregate_guard)) != 0;
  int rc = sqlite3_step(probe);
  if (rc == SQLITE_DONE) return;
  if (rc != SQLITE_ROW)
    report_sqlite_error(sqlite3_db_handle(probe), rc, psprintf("could not read SQLite table \"%s\"", state->row.table));
  int count = list_length(attnums);
  AttrNumber *positions = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * count));
  ColumnConverter *converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * count));
  const char **names = static_cast<const char **>(palloc(sizeof(char *) * count));
  int i = 0;
  ListCell *cell;
  foreach (cell, attnums) {
    AttrNumber attnum = static_cast<AttrNumber>(lfirst_int(cell));
    names[i] = attribute_converter(&converters[i], relid, attnum, server);
    positions[i] = static_cast<AttrNumber>(i + 1);
    ++i;
  }
  SqliteValue rowid = has_rowid ? read_sqlite_value(probe, count) : SqliteValue{};
  RowContext row = {state->row.table, names, has_rowid ? &rowid : nullptr, -1, 1};
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * count));
  bool *isnull = static_cast<bool *>(palloc(sizeof(bool) * count));
  convert_row(probe, count, positions, converters, &row, count, values, isnull);
  ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                  errmsg("SQLite table \"%s\" holds a value an aggregate would read differently from PostgreSQL",
                         state->row.table),
                  errhint("Set hangar_fdw.enable_pushdown = off to aggregate in PostgreSQL.")));
}

// Each table's result columns, in the order of kPrivateJoinTables, then the rowids of those with one.
void init_join_tables(ScanState *state, List *tables, const ServerOptions &server) {
  state->join_tables = static_cast<JoinTableState *>(palloc0(sizeof(JoinTableState) * list_length(tables)));
  int columns = 0;
  ListCell *cell;
  foreach (cell, tables) columns += list_length(static_cast<List *>(lsecond(lfirst_node(List, cell))));
  int next_rowid = columns;
  int first = 0;
  int side = 0;
  foreach (cell, tables) {
    List *table = lfirst_node(List, cell);
    JoinTableState &join = state->join_tables[side++];
    Oid relid = static_cast<Oid>(strtoul(strVal(linitial(table)), nullptr, 10));
    List *attnums = static_cast<List *>(lsecond(table));
    join.first = first;
    join.ncolumns = list_length(attnums);
    join.positions = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (join.ncolumns + 1)));
    join.converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * (join.ncolumns + 1)));
    const char **names = static_cast<const char **>(palloc(sizeof(char *) * (join.ncolumns + 1)));
    int i = 0;
    ListCell *attnum;
    foreach (attnum, attnums) {
      names[i] = attribute_converter(&join.converters[i], relid, static_cast<AttrNumber>(lfirst_int(attnum)), server);
      join.positions[i] = static_cast<AttrNumber>(first + i + 1);
      ++i;
    }
    first += join.ncolumns;
    bool has_rowid = intVal(lthird(table)) != 0;
    join.rowid_column = has_rowid ? next_rowid++ : -1;
    join.row = {foreign_table_sqlite_name(relid), names, has_rowid ? &join.rowid : nullptr, -1, 0};
  }
}

// Fills the slot from the current row of a join: each table's columns, converted with its rowid
// at hand for errors.
void store_joined_row(ScanState *state, TupleTableSlot *slot) {
  int natts = slot->tts_tupleDescriptor->natts;
  memset(slot->tts_isnull, true, sizeof(bool) * natts);
  for (int side = 0; side < 2; ++side) {
    JoinTableState &join = state->join_tables[side];
    join.row.row_number = state->row.row_number;
    if (join.rowid_column >= 0) join.rowid = read_sqlite_value(state->stmt, join.rowid_column);
    convert_columns(state->stmt, join.first, join.ncolumns, join.positions, join.converters, &join.row,
                    slot->tts_values, slot->tts_isnull);
  }
  ExecStoreVirtualTuple(slot);
}

// Fills the slot from the current row of an aggregation.
void store_aggregated_row(ScanState *state, TupleTableSlot *slot) {
  TupleDesc desc = slot->tts_tupleDescriptor;
  convert_row(state->stmt, state->ncolumns, state->attnums, state->converters, &state->row, desc->natts,
              slot->tts_values, slot->tts_isnull);
  int position = 0;
  ListCell *cell;
  foreach (cell, state->outputs) {
    List *output = lfirst_node(List, cell);
    int i = lsecond_int(output);
    ++position;
    if (linitial_int(output) == kOutputConverted || sqlite3_column_type(state->stmt, i) == SQLITE_NULL) continue;
    int64 first = sqlite3_column_int64(state->stmt, i);
    if (linitial_int(output) == kOutputInt8) {
      slot->tts_values[position - 1] = Int64GetDatum(first);
      slot->tts_isnull[position - 1] = false;
      continue;
    }
    // avg of smallint or integer: numeric sum / count, as PostgreSQL's int8_avg computes it
    int64 count = sqlite3_column_int64(state->stmt, i + 1);
    if (count == 0) continue;
    slot->tts_values[position - 1] = DirectFunctionCall2(numeric_div, DirectFunctionCall1(int8_numeric, Int64GetDatum(first)),
                                                         DirectFunctionCall1(int8_numeric, Int64GetDatum(count)));
    slot->tts_isnull[position - 1] = false;
  }
  ExecStoreVirtualTuple(slot);
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
    state->outputs = static_cast<List *>(list_nth(plan->fdw_private, kPrivateAggregates));
    state->aggregate_guard = static_cast<List *>(list_nth(plan->fdw_private, kPrivateAggregateGuard));
    state->row.rowid = has_rowid ? &state->rowid : nullptr;
    state->row.current_column = -1;
    state->param_states = ExecInitExprList(plan->fdw_exprs, &node->ss.ps);
    if (state->outputs) init_aggregate_outputs(state, desc, relid, server);
    if (List *tables = static_cast<List *>(list_nth(plan->fdw_private, kPrivateJoinTables)))
      init_join_tables(state, tables, server);
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
    if (List *guard = static_cast<List *>(list_nth(plan->fdw_private, kPrivateOrderGuard))) {
      // an ordered text column holds a blob: order every value by its bytes (ShippedOrder)
      prepare_owned_statement(db, strVal(linitial(guard)), &state->stmt,
                              psprintf("could not prepare query on SQLite table \"%s\"", state->row.table));
      int rc = sqlite3_step(state->stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        report_sqlite_error(db, rc, psprintf("could not read SQLite table \"%s\"", state->row.table));
      if (rc == SQLITE_ROW) sql = strVal(lsecond(guard));
      finish_owned_statement(&state->stmt);
    }
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
    if (!state->params_bound) {
      bind_parameters(state, state->stmt, node->ss.ps.ps_ExprContext);
      state->params_bound = true;
    }
    if (state->aggregate_guard && !state->guard_checked) {
      ForeignScan *plan = reinterpret_cast<ForeignScan *>(node->ss.ps.plan);
      Oid relid = static_cast<Oid>(strtoul(strVal(list_nth(plan->fdw_private, kPrivateRelid)), nullptr, 10));
      sqlite3_stmt **probe = static_cast<sqlite3_stmt **>(palloc0(sizeof(sqlite3_stmt *)));
      prepare_owned_statement(sqlite3_db_handle(state->stmt), strVal(linitial(state->aggregate_guard)), probe,
                              psprintf("could not prepare query on SQLite table \"%s\"", state->row.table));
      bind_parameters(state, *probe, node->ss.ps.ps_ExprContext);
      check_aggregate_guard(state, *probe, relid, server_options(GetForeignTable(relid)->serverid));
      finish_owned_statement(probe);
      state->guard_checked = true;
    }
    int rc = sqlite3_step(state->stmt);
    if (rc == SQLITE_DONE) return slot;
    if (rc != SQLITE_ROW)
      report_sqlite_error(sqlite3_db_handle(state->stmt), rc,
                          psprintf("could not read SQLite table \"%s\"", state->row.table));
    state->row.row_number++;
    if (state->has_rowid) state->rowid = read_sqlite_value(state->stmt, state->ncolumns);

    MemoryContextReset(state->row_context);
    MemoryContext old_context = MemoryContextSwitchTo(state->row_context);
    if (state->join_tables)
      store_joined_row(state, slot);
    else if (state->outputs)
      store_aggregated_row(state, slot);
    else
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
    state->guard_checked = false;
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
    if (List *guard = static_cast<List *>(list_nth(plan->fdw_private, kPrivateOrderGuard)))
      ExplainPropertyText("SQLite query if blobs are ordered", strVal(lsecond(guard)), es);
    if (List *guard = static_cast<List *>(list_nth(plan->fdw_private, kPrivateAggregateGuard)))
      ExplainPropertyText("SQLite query first finding a value PostgreSQL cannot read", strVal(linitial(guard)), es);
  });
}

}  // namespace hangar
