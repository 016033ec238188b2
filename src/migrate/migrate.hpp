// Declarations shared by the PostgreSQL-zone files of the migration (hangar_migrate,
// hangar_plan, hangar_verify), grouped by the file that defines them.
#pragma once

#include "pg/common.hpp"
#include "convert/value_convert.hpp"

#include <initializer_list>
#include <utility>

extern "C" {
#include "portability/instr_time.h"
#include "catalog/pg_type.h"
#include "utils/jsonb.h"
#include "executor/tuptable.h"
#include "storage/itemptr.h"
#include "utils/relcache.h"
}

namespace hangar {

struct MigrationOptions;
struct MigrationPlan;
struct PlannedTable;

// source.cpp: a server name or an absolute path, resolved to a file (privileges checked)
struct MigrationSource {
  const char *path;
  ServerOptions server;  // timezone and busy timeout for conversion and locking
};
MigrationSource resolve_source(const char *source);

// arguments.cpp: SQL arguments to MigrationOptions (types validated and spelled by PostgreSQL)
enum class OnError { Stop, Reject };
OnError parse_on_error(const char *value);
// Fills options from the jsonb arguments; throws for bad input.
void parse_type_options(Jsonb *column_types, Jsonb *type_map, MigrationOptions *options);

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
// Whether two values of a column are the same stored bytes, as the checksum compares them.
bool same_stored_value(Form_pg_attribute att, Datum a, bool a_null, Datum b, bool b_null);
// Adds the rows of SPI_tuptable (SPI_processed of them), laid out as desc, to checksum.
void add_spi_rows(TupleDesc desc, const AttrNumber *attnums, int count, TableChecksum *checksum);
// Checksum of what a query returns, its columns laid out as desc (a view's, say).
TableChecksum query_checksum(const char *sql, TupleDesc desc, const AttrNumber *attnums, int count);
// Checksum of a table's current content over the listed attributes.
TableChecksum table_checksum(Relation rel, const AttrNumber *attnums, int count);
// A row's identity for hangar_sync: two independent 64-bit hashes of its key attributes' stored
// bytes (128 bits, so two keys of one table collide with odds of about n^2 / 2^129); for a key of
// one by-value column (an integer, say), its bytes and value_key_lo of them, so never a collision.
struct RowKey {
  uint64 hi, lo;
  bool operator==(const RowKey &o) const { return hi == o.hi && lo == o.lo; }
};
RowKey row_key(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls);
// Calls visit(arg, slot) for every row of rel this transaction sees now (its own writes too),
// every attribute deformed, in a per-row memory context.
void scan_table(Relation rel, void (*visit)(void *arg, TupleTableSlot *slot), void *arg);
template <typename Visit>
void for_each_row(Relation rel, Visit visit) {
  scan_table(rel, [](void *v, TupleTableSlot *slot) { (*static_cast<Visit *>(v))(slot); }, &visit);
}

// rowid_map.cpp: the SQLite rowid of each copied row by its ctid, in a temporary file
struct RowidMap;
RowidMap *rowid_map_create();
void rowid_map_add(RowidMap *map, ItemPointer tid, int64 rowid);
bool rowid_map_find(RowidMap *map, ItemPointer tid, int64 *rowid);
// Closes the file; a map left open is closed by the transaction's end (an error's, or with a
// WARNING about a leaked temporary file at commit).
void rowid_map_close(RowidMap *map);

// key_set.cpp: a parent's integer key values, collected as its copy inserts them, for checking
// its children's foreign keys as they are copied (MATCH SIMPLE: a NULL is not checked). Values
// arriving in ascending order without wide gaps (SQLite's rowids, usually) go straight into a
// bitmap starting at the first value, one bit a possible value; any other order or a gap that
// would make the bitmap larger than an array of the values turns it into an int64 array, sorted
// at the end (and made a bitmap again if that is smaller). Every set of a migration charges one
// budget (bytes): a set that would grow past what is left is dropped (abandoned), and the
// caller adds that foreign key after the copy as before.
struct KeySet {
  MemoryContext context;  // holds the values; deleted by key_set_free
  uint64 *bits;           // bitmap form: bit i of word w is low + 64 * w + i
  size_t words;
  int64 *values;          // array form (bits is nullptr)
  size_t capacity;
  size_t count;           // values added
  bool ascending;         // array form: the values arrived in ascending order
  int64 low, high;        // the smallest and largest value (bitmap: low is its first bit)
  Size charged;           // bytes this set took from *budget
  Size *budget;           // what all sets may still take
  bool abandoned;
  bool finished;
};
// A set in its own memory context under parent, charging budget.
KeySet *key_set_create(MemoryContext parent, Size *budget);
// Empties the set for a new attempt at the copy (a generated column's retry).
void key_set_reset(KeySet *set);
// key_set_add's slow path: the first value, a value outside the bitmap, a full array.
void key_set_add_slow(KeySet *set, int64 value);
inline void key_set_add(KeySet *set, int64 value) {
  if (set->bits && value >= set->low) {
    uint64 offset = static_cast<uint64>(value) - static_cast<uint64>(set->low);
    if (offset / 64 < set->words) {
      set->bits[offset / 64] |= uint64{1} << (offset % 64);
      set->count++;
      if (value > set->high) set->high = value;
      return;
    }
  } else if (set->values && set->count < set->capacity) {
    if (set->count > 0 && value <= set->values[set->count - 1]) set->ascending = false;
    set->values[set->count++] = value;
    return;
  }
  key_set_add_slow(set, value);
}
// Sorts an array and chooses the smaller form; lookups may follow.
void key_set_finish(KeySet *set);
bool key_set_contains(const KeySet *set, int64 value);
// Frees the values and gives their bytes back to the budget.
void key_set_free(KeySet *set);
// An integer Datum of type int2, int4 or int8 as int64.
inline int64 integer_datum(Oid type, Datum d) {
  return type == INT8OID ? DatumGetInt64(d) : type == INT4OID ? DatumGetInt32(d) : DatumGetInt16(d);
}

// copy.cpp: the bulk copy of one SQLite table into its new PostgreSQL table
enum class RowFate {
  Write,   // inserted (when the copy inserts) and counted
  Keep,    // counted, not inserted: the target holds it already
  Reject,  // neither: recorded in hangar.rejects as RowRejection says (reject mode)
};
struct RowRejection {
  const char *columns;  // what hangar.rejects shows of the row: its column(s) and value(s)
  const char *value;
  const char *reason;
  int sqlstate;
};
struct CopySpec {
  const char *sqlite_table;
  const char *select_sql;       // every SQLite column of the table, then the rowid when it has one
  int ncolumns;
  const char **sqlite_columns;  // for error context
  AttrNumber *attnums;          // target attribute per SQLite column
  bool *inserted;               // false for the relation's generated columns, which PostgreSQL computes
  bool has_rowid;
  const int *naming_key;        // a table without rowid: its primary key's positions, naming its rows
  int nnaming_key;
  bool insert;                  // false: only convert and checksum (hangar_verify)
  // hangar_migrate (nullptr otherwise): per SQLite column, whether a value its type cannot hold
  // but a wider one can stops the copy (CopyResult::widen_column) instead of failing: an integer
  // beyond smallint or integer, a REAL with a fraction in an integer column, a time with a zone
  // in a timestamp (Widening)
  const bool *widen_columns;
  OnError on_error;             // Reject: failing rows are recorded (when inserting) and skipped
  int64 run_id;
  RowidMap *rowids;             // when set, the rowid of every inserted row is recorded there
  // When PostgreSQL fails to compute the table's generated columns for a row, what failed is
  // written here (in the caller's memory context) before the error goes on.
  char **generated_failure;
  // hangar_sync's view of the rows (all nullptr otherwise), called in PostgreSQL's zone (they
  // may raise, never throw). choose_row gets every converted row with its content hash and says
  // what becomes of it (it is called when not inserting too); rejected_row gets a rejected row (reject mode) with what converted,
  // failed[i] set for the SQLite columns that did not.
  RowFate (*choose_row)(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, uint64 hash,
                        RowRejection *why);
  // When set (both), key_of is called for every row of a batch of SQLite rows with only its key
  // columns (key_columns, indexes into the SQLite columns) converted, and gives the row's key (a
  // lookup by it can start loading what it will need); then skip_unchanged is called for each
  // row with that key and a hash of its raw SQLite values (raw_seed folded in): true skips
  // converting the row, counted with *hash as its content hash. A row whose key does not convert
  // is converted in full, which reports it.
  RowKey (*key_of)(void *arg, TupleDesc desc, const Datum *values, const bool *nulls);
  bool (*skip_unchanged)(void *arg, const RowKey &key, uint64 raw, uint64 *hash);
  const int *key_columns;
  int nkey_columns;
  uint64 raw_seed;
  bool hash_raw;  // the reader hashes each row's raw values (skip_unchanged's, row_stored's)
  void (*rejected_row)(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, const bool *failed);
  // hangar_migrate's state for hangar_sync (nullptr otherwise): called for every row inserted,
  // with its content hash and the hash of its raw SQLite values (raw_seed folded in), which the
  // reader's thread computes.
  void (*row_stored)(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, uint64 hash, uint64 raw);
  void *row_arg;
  // hangar_migrate's foreign keys checked during the copy (stop mode): the parent's key column
  // collected into collect (collect_attnum, nullptr when none); each inserted row's checks[i]
  // column, when not NULL, looked up in its parent's set, a miss counted in missing[i].
  KeySet *collect;
  AttrNumber collect_attnum;
  Oid collect_type;
  int nchecks;
  AttrNumber *check_attnums;
  Oid *check_types;
  const KeySet **check_sets;
  int64 *missing;
};
// The type a column the copy met a value too wide for becomes (CopySpec::widen_columns).
enum class Widening {
  None,
  Integer,  // an integer beyond a smallint or integer: the smallest integer type holding it
  Zone,     // a time with a zone in a timestamp: timestamptz
  Float,    // a REAL in an integer column that no integer holds (1.81): double precision
  Numeric,  // an integer a double cannot hold exactly in a double precision column: numeric
};

struct CopyResult {
  int64 rows_copied = 0;        // rows converted (and inserted, when inserting)
  int64 rows_rejected = 0;      // rows with a value that could not be converted
  TableChecksum source;         // over every column, generated ones included, of the rows copied
  double seconds = 0;
  // A generated column PostgreSQL computed differently from the value SQLite stored: the copy
  // stopped there (the caller makes it a plain column and copies again). -1 when none.
  int generated_mismatch = -1;
  char *mismatch = nullptr;     // what differed, for the report
  // A SQLite value its column's type cannot hold but a wider one can (CopySpec::widen_columns):
  // the copy stopped there (the caller widens the column and copies again). -1 when none.
  int widen_column = -1;
  Widening widen_to = Widening::None;
  int64 widen_value = 0;        // the integer, for Widening::Integer
  char *widen_text = nullptr;   // the value as the report shows it
  char *widen_row = nullptr;    // "rowid 7" or "row 7", for the report
  // Values of the rows copied that arrived by a conversion the report names, by kind
  // (NotedConversion, from Rounded on): how many, and the first one's column, value and row.
  struct NotedValues {
    int64 count = 0;
    int column = -1;
    char *text = nullptr;
    char *row = nullptr;
  } noted[kNotedConversions];
  bool stopped_early() const { return generated_mismatch >= 0 || widen_column >= 0; }
};
// The SQLite reads of n copies started before copy_table, so that SQLite is read on the second
// core while the caller does other work first: one thread reads the tables in turn, and their
// rows wait, up to ahead_bytes of them, for copy_table(db, *specs[i], rels[i], ..., ahead), called
// for each in that order. end_read_ahead stops the thread once they are done, as an error's
// reset of the current memory context, which owns it, does. nullptr when some spec's rows must
// be read on the backend's own thread.
struct SqliteRead;
SqliteRead *start_read_ahead(sqlite3 *db, const CopySpec *const *specs, const Relation *rels, int n,
                             size_t ahead_bytes);
void end_read_ahead(SqliteRead *read);
CopyResult copy_table(sqlite3 *db, const CopySpec &spec, Relation rel, const ServerOptions &server,
                      SqliteRead *ahead = nullptr);

// view_check.cpp: a created view's rows against the SQLite view's, up to limit rows
struct ViewComparison {
  enum Outcome { Same, Differs, TooManyRows } outcome = Same;
  int64 sqlite_rows = 0;
  int64 pg_rows = 0;
  int64 unconverted = 0;  // SQLite rows with a value the view's column type does not take
};
ViewComparison compare_view(sqlite3 *db, const MigrationPlan &plan, const PlannedTable &view, int64 limit,
                            const ServerOptions &server);

// source_plan.cpp: reading the SQLite catalog and planning, shared by the three SQL functions
void build_plan(const MigrationSource &source, const MigrationOptions &options, MigrationPlan *plan);
// The target table of a planned table; InvalidOid when it does not exist.
Oid target_relid(const MigrationPlan &plan, const PlannedTable &table);
// The copy of a planned table into rel (palloc'd; attributes found by name).
CopySpec copy_spec(const PlannedTable &table, Relation rel, bool insert, OnError on_error, int64 run_id);
// The seed of a copy's raw hashes (CopySpec::raw_seed): what the conversion of its columns into
// desc depends on (each column's type and the server's time zone), so that a change there makes
// every raw hash differ and every row is converted again.
uint64 raw_hash_seed(const CopySpec &spec, TupleDesc desc, const ServerOptions &server);

// bookkeeping.cpp: the extension's own tables in schema hangar
int64 next_run_id();
// Runs work(arg) as the owner of hangar.<table>; work must not let a C++ exception escape.
void run_as_bookkeeping_owner(const char *table, void (*work)(void *), void *arg);
template <typename Work>
void as_bookkeeping_owner(const char *table, Work work) {
  run_as_bookkeeping_owner(table, [](void *w) { (*static_cast<Work *>(w))(); }, &work);
}
// Runs sql with SPI as the owner of hangar.<table>.
void spi_run_as_bookkeeping_owner(const char *table, const char *sql);

// record.cpp: what hangar_migrate migrated, in hangar.migrations and the tables beside it
void record_migration(sqlite3 *db, int64 run_id, const char *source_path, const MigrationPlan &plan);


// rejects.cpp: recording rejected rows in hangar.rejects
void record_reject(int64 run_id, const char *table, bool has_rowid, int64 rowid, const char *column,
                   const char *raw_value, int sqlstate, const char *reason);

// spi_exec.cpp: running generated SQL
void spi_run(const char *sql);
// spi_run, giving its error of SQLSTATE sqlerrcode the hint (when it has none).
void spi_run_with_hint(const char *sql, int sqlerrcode, const char *hint);
// Whether an error is about the values a statement meets (SQLSTATE classes 22 and 23), which
// reject mode may record against a row; never a cancel, resource or system failure.
bool is_value_error(int sqlerrcode);
// Whether an error is about a statement's own SQL (SQLSTATE classes 42 and 0A), a limit it meets
// (54: a value too large for an index entry) or the values it meets (is_value_error), which an
// optional step may report.
bool is_statement_error(int sqlerrcode);
// Runs sql in a subtransaction; returns nullptr on success, else the error (rolled back) when
// is_statement_error says it is about the statement; any other error is raised again.
ErrorData *spi_run_optional(const char *sql);
// Runs work(arg) in a subtransaction; returns nullptr on success, else the error it raised, with
// the subtransaction rolled back. The error is copied into the caller's memory context. work
// must not let a C++ exception escape.
ErrorData *run_in_subtransaction(void (*work)(void *), void *arg);
template <typename Work>
ErrorData *in_subtransaction(Work work) {
  return run_in_subtransaction([](void *w) { (*static_cast<Work *>(w))(); }, &work);
}
double seconds_since(instr_time start);
// Logs at DEBUG1 how long a step of a function (hangar_migrate, hangar_sync) took on a table
// ("" for none), for measuring where a call spends its time.
void log_step_time(const char *function, const char *step, const char *table, double seconds);
// Runs work; the seconds it took.
template <typename Work>
double seconds_of(Work work) {
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  work();
  return seconds_since(start);
}
// Sets configuration parameters (name, value) until AtEOXact_GUC(true, level) with the returned
// level, or the transaction's end, restores the caller's values, as a function's SET clause does.
int set_config_for_call(std::initializer_list<std::pair<const char *, const char *>> settings);

// copied_rows.cpp: a copied table's rows as the checks after the copy name them and, in reject
// mode, take them out
struct CopiedRows {
  const char *table;        // quoted, schema-qualified PostgreSQL name
  const char *sqlite_name;  // for messages, rejects and lookups
  const char *rowid_alias;  // its INTEGER PRIMARY KEY in PostgreSQL; nullptr when none
  RowidMap *rowids;         // otherwise its rowids by ctid; nullptr when it has none
};
// The SQLite rowid of a row that a query over rows.table returned with its ctid first.
bool copied_rowid(const CopiedRows &rows, HeapTuple tuple, TupleDesc desc, int64 *rowid);
// Deletes the rows of rows.table (alias c) that condition selects, takes each out of checksum
// and hands it, as (ctid, the table's columns), to record(arg, ...) in a per-row memory context.
// Returns how many it deleted.
int64 delete_copied_rows(const CopiedRows &rows, const char *condition, Relation rel, const AttrNumber *attnums,
                         int nattnums, TableChecksum *checksum, void (*record)(void *arg, HeapTuple tuple, TupleDesc desc),
                         void *arg);
template <typename Record>
int64 delete_copied_rows(const CopiedRows &rows, const char *condition, Relation rel, const AttrNumber *attnums,
                         int nattnums, TableChecksum *checksum, Record record) {
  return delete_copied_rows(
      rows, condition, rel, attnums, nattnums, checksum,
      [](void *r, HeapTuple tuple, TupleDesc desc) { (*static_cast<Record *>(r))(tuple, desc); }, &record);
}
// "a, b": the names of a key's columns, as a reject records them (palloc'd).
char *key_column_list(const char *const *names, int n);
// "a = 1, b = NULL": a key's columns with their values as text, a NULL value as NULL (palloc'd).
char *key_assignments(const char *const *names, const char *const *values, int n);

// duplicates.cpp: rows whose key, converted to its PostgreSQL type, equals an earlier row's
struct DuplicateQuery {
  const char *label;  // the key, for messages: "primary key (a, b)"
  CopiedRows rows;
  int ncolumns;
  const char **columns;         // PostgreSQL names of the key columns
  const char **sqlite_columns;  // their SQLite names
};
// Reject mode: deletes every row but the first (in copy order, which is SQLite's) of each key,
// records each in hangar.rejects, and takes them out of the copy's checksum.
int64 reject_duplicates(const DuplicateQuery &q, int64 run_id, Relation rel, const AttrNumber *attnums, int nattnums,
                        TableChecksum *checksum);

// orphans.cpp: rows whose foreign key points nowhere (SQLite apps often run with foreign_keys off)
struct OrphanQuery {
  const char *label;               // the foreign key, for messages
  CopiedRows child;
  const char *parent_table;        // quoted, schema-qualified PostgreSQL name
  const char *parent_sqlite;       // SQLite name, for messages and lookups
  int ncolumns;
  const char **child_columns;      // PostgreSQL names of the foreign key columns
  const char **parent_columns;
  const char **child_sqlite_columns;
  const char **parent_sqlite_columns;
};
// Raises the stop-mode error: the foreign key's orphan rows by SQLite rowid (SQLSTATE 23503).
[[noreturn]] void raise_orphans(const OrphanQuery &q);
// Reject mode: deletes the orphans from the child table, records each in hangar.rejects with
// why (its parent was rejected, or never existed), and takes them out of the copy's checksum.
int64 reject_orphans(sqlite3 *db, const OrphanQuery &q, int64 run_id, Relation child, const AttrNumber *attnums,
                     int nattnums, TableChecksum *checksum);

}  // namespace hangar

#include <optional>
#include <string>
#include <vector>

namespace hangar {

// One row of a report (hangar_migrate, hangar_verify), built in C++ and emitted by functions.cpp.
struct ReportRow {
  std::string table_name;    // the SQLite name
  std::string target_table;  // schema-qualified PostgreSQL name
  bool has_counts = false;
  int64 rows = 0;            // hangar_migrate: rows copied; hangar_verify: rows in SQLite
  int64 other_rows = 0;      // hangar_migrate: rows rejected; hangar_verify: rows in the target
  int verified = -1;         // -1 unknown (NULL), 0 false, 1 true
  double copy_seconds = -1;  // < 0: NULL
  double seconds = -1;
  std::string detail;
};

// record.cpp: the tables the last migration of the file into plan's schema made that SQLite no
// longer has (the plan of the file now lacks them) while their target still exists: a row
// each, unverified.
std::vector<ReportRow> tables_gone_from_source(const char *source_path, const MigrationPlan &plan);

// spi_exec.cpp: a catalog query's rows as text (a NULL is nullopt). read_only: the query sees the
// calling statement's snapshot; otherwise also what this transaction did since (tables it made).
// as_owner_of: run as the owner of that hangar bookkeeping table, or nullptr for the caller.
using TextRow = std::vector<std::optional<std::string>>;
std::vector<TextRow> spi_text_rows(const std::string &sql, bool read_only, const char *as_owner_of = nullptr);

// run.cpp: hangar_migrate
struct MigrationRequest {
  const char *source;
  const MigrationOptions *options;
  OnError on_error;
  bool verify;
  int64 verify_view_rows;  // views with more rows are not compared; 0: none is
};
std::vector<ReportRow> run_migration(const MigrationRequest &request, int64 *run_id);

// sync.cpp: hangar_sync
struct SyncReport {
  std::string table_name;    // the SQLite name
  std::string target_table;  // schema-qualified PostgreSQL name
  int64 rows_inserted = -1;  // < 0: NULL (the table was not synced)
  int64 rows_updated = -1;
  int64 rows_deleted = -1;
  int verified = -1;         // -1 unknown (NULL), 0 false, 1 true
  double seconds = -1;
  std::string detail;
};
struct SyncRequest {
  const char *source;
  const char *target_schema;
  bool overwrite;    // replace rows PostgreSQL changed since the last sync
  OnError on_error;  // as hangar_migrate's
};
std::vector<SyncReport> sync_migration(const SyncRequest &request);

// capture.cpp: hangar_capture_start, hangar_capture_stop
struct CaptureReport {
  std::string table_name;
  std::string detail;
};
std::vector<CaptureReport> capture_start(const char *source);
std::vector<CaptureReport> capture_stop(const char *source);
// Whether the file has capture's log, and whether a table has all three of its triggers.
bool capture_log_present(sqlite3 *db);
bool capture_triggers_present(sqlite3 *db, const std::string &table);
// The primary key columns of a SQLite table, in key order; empty when it has none.
std::vector<std::string> sqlite_primary_key(sqlite3 *db, const std::string &table);

// verify.cpp: hangar_verify
std::vector<ReportRow> verify_migration(const char *source, const MigrationOptions &options);
// One table's rows against the table the plan maps it to (counts and checksums).
ReportRow verify_table(sqlite3 *db, const MigrationSource &source, const MigrationPlan &plan, const PlannedTable &t);

// record.cpp: for each table of a schema (the literal schema_literal), its constraints as one
// text (kind, name and definition of each, by name): equal texts mean the same constraints.
std::string constraints_signature_query(const std::string &schema_literal);

// export.cpp: hangar_export
struct ExportRequest {
  const char *source_schema;
  const char *target;  // absolute path of the SQLite file to write
  bool replace;        // if_exists => 'replace'
  bool verify;
};
std::vector<ReportRow> run_export(const ExportRequest &request);

}  // namespace hangar
