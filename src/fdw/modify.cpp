// Writes through foreign tables: INSERT (with ON CONFLICT DO NOTHING), UPDATE and DELETE with
// RETURNING, and TRUNCATE, for foreign tables whose updatable (truncatable) option is true.
//
// Rows are found by their rowid: through the table's INTEGER PRIMARY KEY column when the foreign
// table maps it with an integer type, else through ctid, which carries the rowid (rowid_to_tid in
// hangar_fdw.hpp); in a WITHOUT ROWID table, by its declared primary key. INSERT names only the
// columns the statement gives (or that have a default in PostgreSQL), so SQLite fills the others
// with its own defaults and the rowid; UPDATE sets only the columns the statement changes, so
// values nobody touched keep the form they had. Each row runs one prepared SQLite statement inside
// the transaction connections.cpp commits with PostgreSQL's; its values are converted by
// convert/value_write, and RETURNING values come back through the same conversion as a scan's.
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"  // ExplainProperty*, out of explain.h in PostgreSQL 18
#include "commands/explain_state.h"
#endif
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "optimizer/appendinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#if PG_VERSION_NUM >= 160000
#include "optimizer/inherit.h"
#include "optimizer/pathnode.h"
#include "parser/parse_relation.h"
#endif
}

#include <unistd.h>

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "convert/row_context.hpp"
#include "convert/value_convert.hpp"
#include "convert/value_write.hpp"
#include "core/schema_reader.hpp"
#include "core/sqlite_db.hpp"
#include "core/sqlite_query.hpp"

namespace hangar {

namespace {

// fdw_private of one foreign table's writes, made by plan_modify.
enum ModifyPrivate {
  kModifySql = 0,
  kModifyBoundAttrs = 1,      // columns bound as ?1, ?2, ... from the new row
  kModifyAffinities = 2,      // their SQLite affinities
  kModifyIdentityAttrs = 3,   // columns that find the row (UPDATE, DELETE), bound after those
  kModifyReturningAttrs = 4,  // columns RETURNING brings back
};

// What a write needs to know of the SQLite table, copied out of the catalog model.
struct WriteTableInfo {
  const char *name;
  const char *rowid_name;  // "" in a WITHOUT ROWID table
  int ncolumns;
  const char **columns;
  int *affinities;
  int *hidden;             // PRAGMA table_xinfo: 2 and 3 are generated columns
  int *key_position;       // position in the primary key, 0 when not in it
  int rowid_alias;         // index of the INTEGER PRIMARY KEY column, -1 when none
};

const char *verb_of(CmdType operation) {
  return operation == CMD_INSERT ? "INSERT" : operation == CMD_UPDATE ? "UPDATE" : "DELETE";
}

// "insert into", "update", "delete from": for messages that name the table after the verb.
const char *verb_phrase(CmdType operation) {
  return operation == CMD_INSERT ? "insert into" : operation == CMD_UPDATE ? "update" : "delete from";
}

WriteTableInfo *read_write_table_info(Oid relid) {
  WriteTableInfo *info = static_cast<WriteTableInfo *>(palloc0(sizeof(WriteTableInfo)));
  const char *table_name = foreign_table_sqlite_name(relid);
  Database &db = connection_for_relation(relid, true);
  {
    // C++ objects live only in this block; its only PostgreSQL calls (palloc) cannot raise.
    Table table = read_table(db, table_name);
    int n = static_cast<int>(table.columns.size());
    info->name = palloc_string(table.name);
    info->rowid_name = palloc_string(table.rowid_name);
    info->ncolumns = n;
    info->columns = static_cast<const char **>(palloc_extended(sizeof(char *) * (n + 1), MCXT_ALLOC_NO_OOM));
    info->affinities = static_cast<int *>(palloc_extended(sizeof(int) * (n + 1) * 3, MCXT_ALLOC_NO_OOM));
    if (!info->columns || !info->affinities) throw std::bad_alloc();
    info->hidden = info->affinities + (n + 1);
    info->key_position = info->hidden + (n + 1);
    info->rowid_alias = -1;
    for (int i = 0; i < n; ++i) {
      const Column &c = table.columns[i];
      info->columns[i] = palloc_string(c.name);
      info->affinities[i] = static_cast<int>(affinity_of(c.declared_type));
      info->hidden[i] = c.hidden;
      info->key_position[i] = c.primary_key_position;
      if (c.rowid_alias) info->rowid_alias = i;
    }
  }
  return info;
}

// The SQLite column a foreign table's column writes, by name as SQLite matches names.
int sqlite_column_index(const WriteTableInfo *info, Relation rel, AttrNumber attnum) {
  const char *name = column_options(RelationGetRelid(rel), attnum).column_name;
  for (int i = 0; i < info->ncolumns; ++i)
    if (pg_strcasecmp(info->columns[i], name) == 0) return i;
  ereport(ERROR, (errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
                  errmsg("SQLite table \"%s\" has no column \"%s\"", info->name, name),
                  errdetail("Column \"%s\" of foreign table \"%s\" writes it.",
                            NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
                            RelationGetRelationName(rel)),
                  errhint("Set the column's column_name option to the SQLite column's name.")));
  pg_unreachable();
}

void refuse_generated(const WriteTableInfo *info, int column) {
  ereport(ERROR, (errcode(ERRCODE_GENERATED_ALWAYS),
                  errmsg("cannot write column \"%s\" of SQLite table \"%s\"", info->columns[column], info->name),
                  errdetail("It is a generated column; SQLite computes its values.")));
}

bool is_generated(const WriteTableInfo *info, int column) { return info->hidden[column] >= 2; }

// The foreign table's column reading SQLite column `column`, InvalidAttrNumber when none does.
AttrNumber attnum_of_sqlite_column(const WriteTableInfo *info, Relation rel, int column) {
  TupleDesc desc = RelationGetDescr(rel);
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (!att->attisdropped &&
        pg_strcasecmp(column_options(RelationGetRelid(rel), att->attnum).column_name, info->columns[column]) == 0)
      return att->attnum;
  }
  return InvalidAttrNumber;
}

// The columns that find a row for UPDATE and DELETE: the rowid alias column, ctid (carrying the
// rowid) when the foreign table does not map that column as an integer, or the primary key of a
// WITHOUT ROWID table.
List *row_identity_attnums(const WriteTableInfo *info, Relation rel) {
  if (info->rowid_name[0] != '\0') {
    AttrNumber alias = info->rowid_alias >= 0 ? attnum_of_sqlite_column(info, rel, info->rowid_alias) : InvalidAttrNumber;
    if (alias != InvalidAttrNumber && is_integer_type(getBaseType(TupleDescAttr(RelationGetDescr(rel), alias - 1)->atttypid)))
      return list_make1_int(alias);
    return list_make1_int(SelfItemPointerAttributeNumber);
  }
  List *attnums = NIL;
  for (int position = 1;; ++position) {
    int column = -1;
    for (int i = 0; i < info->ncolumns; ++i)
      if (info->key_position[i] == position) column = i;
    if (column < 0) break;
    AttrNumber attnum = attnum_of_sqlite_column(info, rel, column);
    if (attnum == InvalidAttrNumber)
      ereport(ERROR, (errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
                      errmsg("foreign table \"%s\" does not map key column \"%s\" of SQLite table \"%s\"",
                             RelationGetRelationName(rel), info->columns[column], info->name),
                      errdetail("UPDATE and DELETE find rows of a WITHOUT ROWID table by its primary key.")));
    attnums = lappend_int(attnums, attnum);
  }
  return attnums;
}

char *identity_junk_name(AttrNumber attnum) {
  return attnum == SelfItemPointerAttributeNumber ? pstrdup("ctid") : psprintf("hangar_key_%d", attnum);
}

Bitmapset *statement_columns(PlannerInfo *root, Index resultRelation, CmdType operation) {
  RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
#if PG_VERSION_NUM >= 160000
  if (operation == CMD_UPDATE) return get_rel_all_updated_cols(root, find_base_rel(root, resultRelation));
  RTEPermissionInfo *perminfo = getRTEPermissionInfo(root->parse->rteperminfos, rte);
  return perminfo->insertedCols;
#else
  if (operation == CMD_UPDATE) return bms_union(rte->updatedCols, rte->extraUpdatedCols);
  return rte->insertedCols;
#endif
}

bool needs_returned_row(ModifyTable *plan, int subplan_index, Relation rel) {
  if (plan->returningLists && list_nth(plan->returningLists, subplan_index)) return true;
  if (plan->withCheckOptionLists && list_nth(plan->withCheckOptionLists, subplan_index)) return true;
  TriggerDesc *triggers = rel->trigdesc;
  if (!triggers) return false;
  switch (plan->operation) {
    case CMD_INSERT: return triggers->trig_insert_after_row;
    case CMD_UPDATE: return triggers->trig_update_after_row;
    default: return triggers->trig_delete_after_row;
  }
}

// State of one foreign table's writes in one statement.
struct ModifyState {
  sqlite3_stmt *stmt;
  const char *table;          // SQLite's name, for messages
  CmdType operation;
  int nbound;
  AttrNumber *bound_attnums;
  ValueWriter *writers;
  int nidentity;
  AttrNumber *identity_junk;  // junk columns of the plan's rows
  bool identity_is_ctid;
  ValueWriter *identity_writers;
  int nreturned;
  AttrNumber *returned_attnums;
  ColumnConverter *converters;
  RowContext row;             // error context of RETURNING conversions
  MemoryContext row_context;
};

// How the column's existing values are spelled: one of its values, the newest where the table
// has a rowid. Only date/time and UUID values have forms to learn.
StoredForm learn_column_form(sqlite3 *db, const char *table, const char *rowid_name, const char *column, Oid type) {
  Oid base = getBaseType(type);
  if (base != TIMESTAMPOID && base != TIMESTAMPTZOID && base != DATEOID && base != TIMEOID && base != UUIDOID)
    return StoredForm();
  char *sql;
  {
    // C++ objects live only in this block; its only PostgreSQL call cannot raise.
    sql = palloc_string(newest_value_sql(table, column, rowid_name));
  }
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) report_sqlite_error(db, rc, psprintf("could not read column \"%s\" of SQLite table \"%s\"", column, table));
  StoredForm form;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) form = learn_stored_form(read_sqlite_value(stmt, 0));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    report_sqlite_error(db, rc, psprintf("could not read column \"%s\" of SQLite table \"%s\"", column, table));
  return form;
}

AttrNumber *attnum_array(List *attnums) {
  AttrNumber *array = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (list_length(attnums) + 1)));
  int i = 0;
  ListCell *cell;
  foreach (cell, attnums) array[i++] = static_cast<AttrNumber>(lfirst_int(cell));
  return array;
}

void init_writer(ValueWriter *writer, sqlite3 *db, Relation rel, const WriteTableInfo *info, AttrNumber attnum,
                 Affinity affinity, const ServerOptions &server) {
  Oid relid = RelationGetRelid(rel);
  ColumnOptions column = column_options(relid, attnum);
  Oid type = TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid;
  StoredForm form = learn_column_form(db, info->name, info->rowid_name, column.column_name, type);
  writer_init(writer, type, affinity, form, column, server, info->name);
}

// Why the server cannot write the file, when the operating system is the reason: the file or
// its folder (where SQLite creates its journal or WAL) is not writable. nullptr otherwise.
const char *unwritable_reason(const char *path) {
  if (!path || !*path) return nullptr;
  if (access(path, W_OK) != 0)
    return psprintf("The file \"%s\" is not writable by the server's operating-system user.", path);
  char *folder = pstrdup(path);
  get_parent_directory(folder);
  if (access(folder[0] ? folder : "/", W_OK) != 0)
    return psprintf("Its folder \"%s\" is not writable by the server's operating-system user, and SQLite creates "
                    "the file's journal there.",
                    folder);
  return nullptr;
}

// Raises a failed write; a read-only file or folder is named as such. from_read_snapshot: the
// transaction had read and not yet written, so SQLite could not wait for the lock (its snapshot
// would be stale by then) and the failure is a serialization failure, to be retried.
[[noreturn]] void report_write_error(sqlite3 *db, int rc, const char *action, bool from_read_snapshot) {
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY && from_read_snapshot)
    ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE), errmsg("%s", action),
                    errdetail("Another process writes or has written the file since this transaction first read it, "
                              "so its snapshot cannot become a write transaction. SQLite said: %s.",
                              sqlite3_errmsg(db)),
                    errhint("Retry the transaction. A transaction whose first use of the file is a write takes "
                            "the write lock first and waits for it (busy_timeout_ms).")));
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM) {
    if (const char *reason = unwritable_reason(sqlite3_db_filename(db, "main")))
      ereport(ERROR, (errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION), errmsg("%s", action),
                      errdetail("%s SQLite said: %s.", reason, sqlite3_errmsg(db)),
                      errhint("Let the server's operating-system user write the file and its folder.")));
  }
  report_sqlite_error(db, rc, action);
}

// The statement is reset first: a failed write left pending would make the rollback to the
// subtransaction's savepoint fail (SQLite refuses it while a write statement is running).
[[noreturn]] void report_write_failure(ModifyState *state, int rc, bool from_read_snapshot) {
  sqlite3_reset(state->stmt);
  report_write_error(sqlite3_db_handle(state->stmt), rc,
                     psprintf("could not %s SQLite table \"%s\"", verb_phrase(state->operation), state->table),
                     from_read_snapshot);
}

// Runs the bound statement; true when it wrote a row (whose RETURNING values are then in slot).
bool run_statement(ModifyState *state, TupleTableSlot *slot) {
  sqlite3 *db = sqlite3_db_handle(state->stmt);
  bool from_read_snapshot = sqlite3_txn_state(db, "main") == SQLITE_TXN_READ;
  int rc = sqlite3_step(state->stmt);
  bool wrote = false;
  if (rc == SQLITE_ROW) {
    wrote = true;
    if (state->nreturned > 0) {
      ExecClearTuple(slot);
      store_converted_row(state->stmt, state->nreturned, state->returned_attnums, state->converters, &state->row, slot);
    }
    while ((rc = sqlite3_step(state->stmt)) == SQLITE_ROW) {
    }
  } else if (rc == SQLITE_DONE) {
    wrote = sqlite3_changes(db) > 0 && state->nreturned == 0;
  }
  if (rc != SQLITE_DONE) report_write_failure(state, rc, from_read_snapshot);
  sqlite3_reset(state->stmt);
  return wrote;
}

void bind_new_row(ModifyState *state, TupleTableSlot *slot) {
  slot_getallattrs(slot);
  for (int i = 0; i < state->nbound; ++i) {
    int attindex = state->bound_attnums[i] - 1;
    bind_written_value(&state->writers[i], state->stmt, i + 1, slot->tts_values[attindex], slot->tts_isnull[attindex]);
  }
}

void bind_row_identity(ModifyState *state, TupleTableSlot *plan_slot, int first_index) {
  for (int i = 0; i < state->nidentity; ++i) {
    bool isnull;
    Datum value = ExecGetJunkAttribute(plan_slot, state->identity_junk[i], &isnull);
    // rows are found by rowid, else by a WITHOUT ROWID table's key, which SQLite keeps NOT NULL
    if (isnull)
      ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                      errmsg("cannot %s a row of SQLite table \"%s\" whose primary key reads as NULL",
                             verb_of(state->operation), state->table),
                      errdetail("SQLite never stores NULL in the key of a WITHOUT ROWID table."),
                      errhint("The file may be damaged: run PRAGMA integrity_check on it.")));
    int rc;
    if (state->identity_is_ctid) {
      int64 rowid;
      if (!rowid_from_tid(reinterpret_cast<ItemPointer>(DatumGetPointer(value)), &rowid))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot %s a row of SQLite table \"%s\" whose rowid is beyond +/-2^45",
                               verb_of(state->operation), state->table),
                        errhint("Map the table's INTEGER PRIMARY KEY column as an integer column of the foreign "
                                "table; rows are then found by it.")));
      rc = sqlite3_bind_int64(state->stmt, first_index + i, rowid);
      if (rc != SQLITE_OK) report_sqlite_error(sqlite3_db_handle(state->stmt), rc, "could not bind a rowid");
    } else {
      bind_written_value(&state->identity_writers[i], state->stmt, first_index + i, value, false);
    }
  }
}

// One row of INSERT, UPDATE or DELETE: the new row's values (INSERT, UPDATE), then the row's
// identity from the plan's junk columns (UPDATE, DELETE). Returns the slot with the RETURNING
// values, or nullptr when SQLite wrote no row (ON CONFLICT DO NOTHING, a row already gone).
TupleTableSlot *write_row(ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot) {
  ModifyState *state = static_cast<ModifyState *>(rinfo->ri_FdwState);
  if (!state) elog(ERROR, "hangar_fdw: a write to foreign table \"%s\" was not begun", RelationGetRelationName(rinfo->ri_RelationDesc));
  CHECK_FOR_INTERRUPTS();
  MemoryContextReset(state->row_context);
  MemoryContext old_context = MemoryContextSwitchTo(state->row_context);
  if (state->operation != CMD_DELETE) bind_new_row(state, slot);
  if (state->operation != CMD_INSERT) bind_row_identity(state, plan_slot, state->nbound + 1);
  bool wrote = run_statement(state, slot);
  MemoryContextSwitchTo(old_context);
  return wrote ? slot : nullptr;
}

void check_updatable(Relation rel, CmdType operation) {
  if (!foreign_table_write_options(RelationGetRelid(rel)).updatable) refuse_not_updatable(RelationGetRelid(rel), operation);
}

// fdw_private of one foreign table's writes: the SQLite statement and the columns it binds and
// returns. given: the columns the statement names (INSERT, UPDATE); all_columns: every column
// (COPY and tuple routing, which have no statement).
List *plan_modify(Relation rel, CmdType operation, Bitmapset *given, bool all_columns, bool returning,
                bool do_nothing) {
  check_updatable(rel, operation);
  WriteTableInfo *info = read_write_table_info(RelationGetRelid(rel));
  TupleDesc desc = RelationGetDescr(rel);

  // The columns the statement writes.
  List *bound = NIL;
  List *affinities = NIL;
  if (operation == CMD_INSERT || operation == CMD_UPDATE) {
    for (int i = 0; i < desc->natts; ++i) {
      Form_pg_attribute att = TupleDescAttr(desc, i);
      if (att->attisdropped) continue;
      bool written = all_columns || bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, given) ||
                     (operation == CMD_INSERT && (att->atthasdef || att->attgenerated));
      if (!written) continue;
      int column = sqlite_column_index(info, rel, att->attnum);
      if (is_generated(info, column)) refuse_generated(info, column);
      bound = lappend_int(bound, att->attnum);
      affinities = lappend_int(affinities, info->affinities[column]);
    }
  }
  List *identity = operation == CMD_INSERT ? NIL : row_identity_attnums(info, rel);
  List *returned = NIL;
  if (returning)
    for (int i = 0; i < desc->natts; ++i)
      if (!TupleDescAttr(desc, i)->attisdropped) returned = lappend_int(returned, TupleDescAttr(desc, i)->attnum);

  // SQLite names of those columns, then the statement.
  int nbound = list_length(bound), nidentity = list_length(identity), nreturned = list_length(returned);
  const char **names = static_cast<const char **>(palloc(sizeof(char *) * (nbound + nidentity + nreturned + 1)));
  int n = 0;
  ListCell *cell;
  foreach (cell, bound) names[n++] = info->columns[sqlite_column_index(info, rel, lfirst_int(cell))];
  bool by_rowid = info->rowid_name[0] != '\0';
  if (!by_rowid)
    foreach (cell, identity) names[n++] = info->columns[sqlite_column_index(info, rel, lfirst_int(cell))];
  foreach (cell, returned) names[n++] = info->columns[sqlite_column_index(info, rel, lfirst_int(cell))];
  if (do_nothing && nbound == 0)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("hangar_fdw cannot insert a row of defaults with ON CONFLICT DO NOTHING"),
                    errdetail("SQLite has no ON CONFLICT clause for INSERT ... DEFAULT VALUES.")));
  char *sql;
  {
    // C++ objects live only in this block; its only PostgreSQL call cannot raise.
    std::vector<std::string> columns(names, names + nbound);
    RowLocator locator;
    if (by_rowid)
      locator.rowid_name = info->rowid_name;
    else
      locator.key_columns.assign(names + nbound, names + nbound + (operation == CMD_INSERT ? 0 : nidentity));
    int first_returned = nbound + (by_rowid || operation == CMD_INSERT ? 0 : nidentity);
    std::vector<std::string> returned_names(names + first_returned, names + first_returned + nreturned);
    std::string text = operation == CMD_INSERT ? insert_sql(info->name, columns, do_nothing, returned_names)
                       : operation == CMD_UPDATE ? update_sql(info->name, columns, locator, returned_names)
                                                 : delete_sql(info->name, locator, returned_names);
    sql = palloc_string(text);
  }
  List *result = NIL;
  result = lappend(result, makeString(sql));
  result = lappend(result, bound);
  result = lappend(result, affinities);
  result = lappend(result, identity);
  result = lappend(result, returned);
  return result;
}

void begin_modify(ResultRelInfo *rinfo, List *fdw_private, CmdType operation, Plan *subplan) {
  Relation rel = rinfo->ri_RelationDesc;
  Oid relid = RelationGetRelid(rel);
  ServerOptions server = server_options(GetForeignTable(relid)->serverid);
  WriteTableInfo *info = read_write_table_info(relid);
  sqlite3 *db = connection_acquire_for_write(server.database, server.busy_timeout_ms).handle();

  ModifyState *state = static_cast<ModifyState *>(palloc0(sizeof(ModifyState)));
  state->operation = operation;
  state->table = info->name;
  List *bound = static_cast<List *>(list_nth(fdw_private, kModifyBoundAttrs));
  List *affinities = static_cast<List *>(list_nth(fdw_private, kModifyAffinities));
  List *identity = static_cast<List *>(list_nth(fdw_private, kModifyIdentityAttrs));
  List *returned = static_cast<List *>(list_nth(fdw_private, kModifyReturningAttrs));

  state->nbound = list_length(bound);
  state->bound_attnums = attnum_array(bound);
  state->writers = static_cast<ValueWriter *>(palloc(sizeof(ValueWriter) * (state->nbound + 1)));
  for (int i = 0; i < state->nbound; ++i)
    init_writer(&state->writers[i], db, rel, info, state->bound_attnums[i],
                static_cast<Affinity>(list_nth_int(affinities, i)), server);

  state->nidentity = list_length(identity);
  state->identity_is_ctid = state->nidentity == 1 && linitial_int(identity) == SelfItemPointerAttributeNumber;
  state->identity_junk = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (state->nidentity + 1)));
  state->identity_writers = static_cast<ValueWriter *>(palloc(sizeof(ValueWriter) * (state->nidentity + 1)));
  for (int i = 0; i < state->nidentity; ++i) {
    AttrNumber attnum = static_cast<AttrNumber>(list_nth_int(identity, i));
    state->identity_junk[i] = ExecFindJunkAttributeInTlist(subplan->targetlist, identity_junk_name(attnum));
    if (!AttributeNumberIsValid(state->identity_junk[i]))
      elog(ERROR, "hangar_fdw: could not find the row identity column \"%s\"", identity_junk_name(attnum));
    if (!state->identity_is_ctid) {
      int column = sqlite_column_index(info, rel, attnum);
      init_writer(&state->identity_writers[i], db, rel, info, attnum, static_cast<Affinity>(info->affinities[column]),
                  server);
    }
  }

  state->nreturned = list_length(returned);
  state->returned_attnums = attnum_array(returned);
  state->converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * (state->nreturned + 1)));
  const char **returned_columns = static_cast<const char **>(palloc(sizeof(char *) * (state->nreturned + 1)));
  for (int i = 0; i < state->nreturned; ++i) {
    Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), state->returned_attnums[i] - 1);
    ColumnOptions column = column_options(relid, att->attnum);
    returned_columns[i] = column.column_name;
    converter_init(&state->converters[i], att->atttypid, att->atttypmod, column, server);
  }
  state->row.table = info->name;
  state->row.columns = returned_columns;
  state->row.current_column = -1;

  state->row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar_fdw write row", ALLOCSET_DEFAULT_SIZES);
  prepare_owned_statement(db, strVal(list_nth(fdw_private, kModifySql)), &state->stmt,
                          psprintf("could not prepare a write to SQLite table \"%s\"", info->name));
  rinfo->ri_FdwState = state;
}

}  // namespace

void refuse_not_updatable(Oid relid, CmdType operation) {
  ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                  errmsg("cannot %s foreign table \"%s\": its option \"updatable\" is not true",
                         verb_phrase(operation),
                         get_rel_name(relid)),
                  errdetail("hangar_fdw writes to SQLite only through foreign tables whose option \"updatable\" is "
                            "true (a table's own setting wins over its server's)."),
                  errhint("ALTER FOREIGN TABLE %s OPTIONS (ADD updatable 'true'), as a role with the privileges of "
                          "pg_write_server_files.",
                          quote_identifier(get_rel_name(relid)))));
}

int hangarIsForeignRelUpdatable(Relation rel) {
  return pg_entry([&] {
    bool updatable = foreign_table_write_options(RelationGetRelid(rel)).updatable;
    return updatable ? (1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE) : 0;
  });
}

void hangarAddForeignUpdateTargets(PlannerInfo *root, Index rtindex, RangeTblEntry *, Relation target_relation) {
  pg_entry([&] {
    check_updatable(target_relation, root->parse->commandType);
    WriteTableInfo *info = read_write_table_info(RelationGetRelid(target_relation));
    ListCell *cell;
    foreach (cell, row_identity_attnums(info, target_relation)) {
      AttrNumber attnum = static_cast<AttrNumber>(lfirst_int(cell));
      Var *var;
      if (attnum == SelfItemPointerAttributeNumber) {
        var = makeVar(rtindex, attnum, TIDOID, -1, InvalidOid, 0);
      } else {
        Form_pg_attribute att = TupleDescAttr(RelationGetDescr(target_relation), attnum - 1);
        var = makeVar(rtindex, attnum, att->atttypid, att->atttypmod, att->attcollation, 0);
      }
      add_row_identity_var(root, var, rtindex, identity_junk_name(attnum));
    }
  });
}


List *hangarPlanForeignModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation, int subplan_index) {
  return pg_entry([&]() -> List * {
    if (plan->onConflictAction == ONCONFLICT_UPDATE)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("hangar_fdw does not support INSERT ... ON CONFLICT DO UPDATE")));
    Relation rel = table_open(planner_rt_fetch(resultRelation, root)->relid, NoLock);
    Bitmapset *given = plan->operation == CMD_DELETE ? nullptr : statement_columns(root, resultRelation, plan->operation);
    List *fdw_private = plan_modify(rel, plan->operation, given, false, needs_returned_row(plan, subplan_index, rel),
                                    plan->onConflictAction == ONCONFLICT_NOTHING);
    table_close(rel, NoLock);
    return fdw_private;
  });
}

// COPY into a foreign table, and rows routed into a foreign partition: every column is written.
void hangarBeginForeignInsert(ModifyTableState *mtstate, ResultRelInfo *rinfo) {
  pg_entry([&] {
    Relation rel = rinfo->ri_RelationDesc;
    TriggerDesc *triggers = rel->trigdesc;
    bool returning = rinfo->ri_returningList != NIL || rinfo->ri_WithCheckOptions != NIL ||
                     (triggers && triggers->trig_insert_after_row);
    ModifyTable *plan = mtstate ? reinterpret_cast<ModifyTable *>(mtstate->ps.plan) : nullptr;
    if (plan && plan->onConflictAction == ONCONFLICT_UPDATE)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("hangar_fdw does not support INSERT ... ON CONFLICT DO UPDATE")));
    bool do_nothing = plan && plan->onConflictAction == ONCONFLICT_NOTHING;
    begin_modify(rinfo, plan_modify(rel, CMD_INSERT, nullptr, true, returning, do_nothing), CMD_INSERT, nullptr);
  });
}

void hangarEndForeignInsert(EState *estate, ResultRelInfo *rinfo) { hangarEndForeignModify(estate, rinfo); }

void hangarBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo, List *fdw_private, int, int eflags) {
  pg_entry([&] {
    if (eflags & EXEC_FLAG_EXPLAIN_ONLY) return;
    Plan *subplan = outerPlanState(mtstate) ? outerPlanState(mtstate)->plan : nullptr;
    begin_modify(rinfo, fdw_private, mtstate->operation, subplan);
  });
}

TupleTableSlot *hangarExecForeignInsert(EState *, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *) {
  return pg_entry([&] { return write_row(rinfo, slot, nullptr); });
}

TupleTableSlot *hangarExecForeignUpdate(EState *, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot) {
  return pg_entry([&] { return write_row(rinfo, slot, plan_slot); });
}

TupleTableSlot *hangarExecForeignDelete(EState *, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot) {
  return pg_entry([&] { return write_row(rinfo, slot, plan_slot); });
}

void hangarEndForeignModify(EState *, ResultRelInfo *rinfo) {
  pg_entry([&] {
    ModifyState *state = static_cast<ModifyState *>(rinfo->ri_FdwState);
    if (!state) return;
    finish_owned_statement(&state->stmt);
    MemoryContextDelete(state->row_context);
  });
}

void hangarExplainForeignModify(ModifyTableState *, ResultRelInfo *, List *fdw_private, int, ExplainState *es) {
  pg_entry([&] {
    if (es->verbose) ExplainPropertyText("SQLite statement", strVal(list_nth(fdw_private, kModifySql)), es);
  });
}

void hangarExecForeignTruncate(List *rels, DropBehavior, bool restart_seqs) {
  pg_entry([&] {
    ListCell *cell;
    foreach (cell, rels) {
      Relation rel = static_cast<Relation>(lfirst(cell));
      Oid relid = RelationGetRelid(rel);
      if (!foreign_table_write_options(relid).truncatable)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("cannot truncate foreign table \"%s\": its option \"truncatable\" is not true",
                               RelationGetRelationName(rel)),
                        errhint("ALTER FOREIGN TABLE %s OPTIONS (ADD truncatable 'true'), as a role with the privileges "
                                "of pg_write_server_files.",
                                quote_identifier(RelationGetRelationName(rel)))));
    }
    foreach (cell, rels) {
      Relation rel = static_cast<Relation>(lfirst(cell));
      Oid relid = RelationGetRelid(rel);
      ServerOptions server = server_options(GetForeignTable(relid)->serverid);
      const char *table = foreign_table_sqlite_name(relid);
      sqlite3 *db = connection_acquire_for_write(server.database, server.busy_timeout_ms).handle();
      char *delete_rows;
      char *forget_sequence;
      {
        // C++ objects live only in this block; its only PostgreSQL calls cannot raise.
        delete_rows = palloc_string("DELETE FROM " + quote_sqlite_identifier(table));
        forget_sequence = palloc_string("DELETE FROM sqlite_sequence WHERE name = " + quote_sqlite_literal(table));
      }
      bool from_read_snapshot = sqlite3_txn_state(db, "main") == SQLITE_TXN_READ;
      int rc = sqlite3_exec(db, delete_rows, nullptr, nullptr, nullptr);
      // RESTART IDENTITY: AUTOINCREMENT starts again too (sqlite_sequence exists once one was used).
      if (rc == SQLITE_OK && restart_seqs && has_sqlite_sequence(db))
        rc = sqlite3_exec(db, forget_sequence, nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK)
        report_write_error(db, rc, psprintf("could not truncate SQLite table \"%s\"", table), from_read_snapshot);
    }
  });
}

}  // namespace hangar
