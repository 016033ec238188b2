// Declarations shared by the PostgreSQL-zone files of the foreign-data wrapper, grouped by the
// file that defines them (as contrib/postgres_fdw's postgres_fdw.h is).
#pragma once

#include "bridge/pg_headers.hpp"

extern "C" {
#include "foreign/foreign.h"
#include "nodes/pg_list.h"
#include "pgtime.h"
}

#include <sqlite3.h>

namespace hangar {

class Database;

// option.cpp: option validation and lookup

// How INTEGER and REAL values in a date/time column are read.
enum class DatetimeUnit { UnixSeconds, UnixMilliseconds, JulianDay };

struct ServerOptions {
  const char *database = nullptr;  // absolute path of the SQLite file
  int busy_timeout_ms = 5000;
  pg_tz *timezone = nullptr;       // zone of naive text read into timestamptz; UTC when null
};

struct ColumnOptions {
  const char *column_name = nullptr;  // SQLite column name
  DatetimeUnit datetime_unit = DatetimeUnit::UnixSeconds;
  pg_tz *timezone = nullptr;          // overrides the server's
};

ServerOptions server_options(Oid serverid);
// The SQLite table a foreign table reads: its table_name option, or its own name.
const char *foreign_table_sqlite_name(Oid relid);
ColumnOptions column_options(Oid relid, AttrNumber attnum);
// Errors unless the current role may read server files; `what` names the action for the message.
void check_read_server_files_privilege(const char *what);
void check_absolute_database_path(const char *path);

// connection.cpp: one cached read-only SQLite connection per file and backend

// The connection for a file, opened on first use, inside this transaction's SQLite read
// transaction (so every read of one file in one PostgreSQL transaction sees one snapshot).
Database &connection_acquire(const char *path, int busy_timeout_ms);
Database &connection_for_server(Oid serverid);
// A thread reading from a connection registers how to stop it (stop(arg)); the transaction's
// end calls it before it touches the connections, and unregistering passes nullptr.
void connection_set_reader_stop(void (*stop)(void *), void *arg);

// sqlite_error.cpp: reporting SQLite failures from the PostgreSQL zone (never returns)
[[noreturn]] void report_sqlite_error(sqlite3 *db, int rc, const char *action);

}  // namespace hangar

extern "C" {
#include "foreign/fdwapi.h"
}

namespace hangar {

// plan.cpp: planner callbacks. fdw_private of the ForeignScan is FdwScanPrivate below.
enum FdwScanPrivate { kPrivateSql = 0, kPrivateRetrievedAttrs = 1, kPrivateHasRowid = 2 };
void hangarGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
void hangarGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
ForeignScan *hangarGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
                                  ForeignPath *best_path, List *tlist, List *scan_clauses, Plan *outer_plan);
List *hangarPlanForeignModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation, int subplan_index);

// scan.cpp: executor callbacks
void hangarBeginForeignScan(ForeignScanState *node, int eflags);
TupleTableSlot *hangarIterateForeignScan(ForeignScanState *node);
void hangarReScanForeignScan(ForeignScanState *node);
void hangarEndForeignScan(ForeignScanState *node);
void hangarExplainForeignScan(ForeignScanState *node, ExplainState *es);

// import.cpp: IMPORT FOREIGN SCHEMA
List *hangarImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid);

}  // namespace hangar
