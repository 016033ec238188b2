// What every PostgreSQL-zone part shares (the `pg` layer of DESIGN.md), grouped by the file that
// defines it: option parsing and lookup, privilege checks, the connection cache, and raising
// SQLite failures. `convert`, `fdw` and `migrate` build on this header; it includes none of them.
#pragma once

#include "pg/pg_headers.hpp"

extern "C" {
#include "foreign/foreign.h"
#include "nodes/pg_list.h"
#include "pgtime.h"
}

#include <sqlite3.h>

namespace hangar {

class Database;

// options.cpp: option validation and typed lookup of server, table and column options

// How INTEGER and REAL values in a date/time column are read.
enum class DatetimeUnit { UnixSeconds, UnixMilliseconds, JulianDay };

// Whether a foreign table may be written and truncated: its own options, else its server's.
struct TableWriteOptions {
  bool updatable = false;
  bool truncatable = false;
};

struct ServerOptions {
  const char *database = nullptr;  // absolute path of the SQLite file
  int busy_timeout_ms = 5000;
  pg_tz *timezone = nullptr;       // zone of naive text read into timestamptz; UTC when null
  TableWriteOptions writes;        // the default of its foreign tables
};

struct ColumnOptions {
  const char *column_name = nullptr;  // SQLite column name
  DatetimeUnit datetime_unit = DatetimeUnit::UnixSeconds;
  pg_tz *timezone = nullptr;          // overrides the server's
};

// Raises for an unknown option or a bad value; `catalog` is the catalog the options belong to.
void validate_options(List *options, Oid catalog);
ServerOptions server_options(Oid serverid);
// The SQLite table a foreign table reads: its table_name option, or its own name.
const char *foreign_table_sqlite_name(Oid relid);
TableWriteOptions foreign_table_write_options(Oid relid);
ColumnOptions column_options(Oid relid, AttrNumber attnum);

// privileges.cpp: who may make the server read or write a file
// Errors unless the current role may read (write) server files; `what` names the action.
void check_read_server_files_privilege(const char *what);
void check_write_server_files_privilege(const char *what);
void check_absolute_database_path(const char *path);

// connections.cpp: one cached SQLite connection per file and backend

// The connection for a file, opened on first use (read-write when writable), inside this
// transaction's SQLite transaction (so every use of one file in one PostgreSQL transaction sees
// one snapshot); a writable connection starting it for a writing statement begins IMMEDIATE.
// Raises when a read-ahead thread is reading the file (see connection_set_reader), or when
// writable is asked of a file this transaction already opened read-only.
Database &connection_acquire(const char *path, int busy_timeout_ms, bool writable = false,
                             bool writing_statement = false);
// The same, for a write at the current subtransaction level: savepoints are made down to it, and
// the transaction's end commits the writes with PostgreSQL's (or rolls them back).
Database &connection_acquire_for_write(const char *path, int busy_timeout_ms);
// Closes the cached connection of a file that this transaction only read (hangar_export, before
// it renames the file it verified).
void connection_close(const char *path);
// The connection a server's options describe (read-write when the server is updatable), and the
// one a foreign table reads (read-write when the table is updatable) for a statement that writes
// or not.
Database &connection_for_server(Oid serverid);
Database &connection_for_relation(Oid relid, bool writing_statement);
// A thread reading from a connection registers how to stop it (stop(arg)); the transaction's
// end calls it before it touches the connections, and unregistering passes nullptr. While it
// is registered, connection_acquire refuses the file: SQLite connections are single-threaded.
void connection_set_reader(sqlite3 *db, void (*stop)(void *), void *arg);

// owned_statement.cpp: SQLite statements a memory context finalizes
// Prepares sql into *stmt (which must live in the current memory context) and lets the context's
// reset finalize it, unless its owner finalized it first and set *stmt to nullptr. Raises, as
// `what`, when SQLite cannot prepare it.
void prepare_owned_statement(sqlite3 *db, const char *sql, sqlite3_stmt **stmt, const char *what);
// Finalizes it now (the executor's End callbacks, done with it before the context goes).
void finish_owned_statement(sqlite3_stmt **stmt);

// sqlite_errors.cpp: reporting SQLite failures from the PostgreSQL zone (never returns)
[[noreturn]] void report_sqlite_error(sqlite3 *db, int rc, const char *action);

}  // namespace hangar
