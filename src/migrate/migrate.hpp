// Declarations shared by the PostgreSQL-zone files of the migration (hangar_migrate,
// hangar_plan, hangar_verify), grouped by the file that defines them.
#pragma once

#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "utils/relcache.h"
}

#include <cstdint>
#include <string>

namespace hangar {

struct MigrationOptions;
struct MigrationPlan;
struct PlannedTable;

// source.cpp: a server name or an absolute path, resolved to a connection (privileges checked)
struct MigrationSource {
  const char *path;
  ServerOptions server;  // timezone and busy timeout for conversion and locking
};
MigrationSource resolve_source(const char *source);

// options.cpp: SQL arguments to MigrationOptions (types validated and spelled by PostgreSQL)
enum class OnError { Stop, Reject };
OnError parse_on_error(const char *value);
// Fills options from the jsonb arguments; throws PgError for bad input.
void parse_type_options(Jsonb *column_types, Jsonb *type_map, MigrationOptions *options);

// plan_build.cpp: reading the SQLite catalog and planning, shared by the three SQL functions
void build_plan(const MigrationSource &source, const MigrationOptions &options, MigrationPlan *plan);

// row_hash.cpp: the order-independent content checksum of verification
struct TableChecksum {
  int64 rows = 0;
  uint64 sum = 0;  // sum of row hashes modulo 2^64
  void add(uint64 row_hash) {
    ++rows;
    sum += row_hash;
  }
  void remove(uint64 row_hash) {
    --rows;
    sum -= row_hash;
  }
  bool operator==(const TableChecksum &o) const { return rows == o.rows && sum == o.sum; }
};
// Hash of one row over the listed attributes (1-based attnums into desc; 0 entries skipped).
uint64 row_hash(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls);
// Checksum of a table's current content over the listed attributes.
TableChecksum table_checksum(Relation rel, const AttrNumber *attnums, int count);

// copy.cpp: the bulk copy of one SQLite table into its new PostgreSQL table
struct CopySpec {
  const char *sqlite_table;
  const char *select_sql;       // every SQLite column of the table, then the rowid when it has one
  int ncolumns;
  const char **sqlite_columns;  // for error context
  AttrNumber *attnums;          // target attribute per SQLite column
  bool *inserted;               // false for columns PostgreSQL generates itself
  bool has_rowid;
  OnError on_error;
  int64 run_id;
};
struct CopyResult {
  int64 rows_copied = 0;
  int64 rows_rejected = 0;
  TableChecksum source;         // over every column, generated ones included, of the rows copied
  double seconds = 0;
};
CopyResult copy_table(sqlite3 *db, const CopySpec &spec, Relation rel, const ServerOptions &server);

// rejects.cpp: recording rejected rows in hangar.rejects
void record_reject(int64 run_id, const char *table, bool has_rowid, int64 rowid, const char *column,
                   const char *raw_value, int sqlstate, const char *reason);
int64 next_run_id();

// spi_exec.cpp: running generated SQL
void spi_run(const char *sql);
// Runs sql in a subtransaction; returns nullptr on success, else the error (rolled back).
ErrorData *spi_run_optional(const char *sql);
double seconds_since(instr_time start);

}  // namespace hangar
