// What hangar_migrate records of a migration in the extension's own catalog (hangar.migrations,
// migrated_objects, migrated_tables, migrated_columns; never in the target schema), so that
// hangar_export can rebuild the SQLite file the app had: the source path, the file's schema as
// sqlite_schema held it (tables, indexes, views and triggers in creation order, their SQL as
// written), each migrated table's target and sqlite_sequence row, each column's target and type,
// and for date/time and UUID columns the newest stored value, whose spelling export writes again.
// Read from the migration's SQLite snapshot; written as the catalog's owner (bookkeeping.cpp).
#include "migrate/migrate.hpp"

#include <map>
#include <string>

extern "C" {
#include "executor/spi.h"
}

#include "core/migration_planner.hpp"
#include "core/sqlite_db.hpp"
#include "pg/error_bridge.hpp"
#include "pg/quoting.hpp"

namespace hangar {

namespace {

bool has_form_to_learn(const std::string &pg_type) {
  return pg_type.rfind("timestamp", 0) == 0 || pg_type.rfind("date", 0) == 0 || pg_type.rfind("time", 0) == 0 ||
         pg_type == "uuid";
}

std::map<std::string, int64_t> read_sqlite_sequence(sqlite3 *db) {
  std::map<std::string, int64_t> sequences;
  Statement exists(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'");
  if (!exists.step()) return sequences;
  Statement rows(db, "SELECT name, seq FROM sqlite_sequence");
  while (rows.step()) sequences[rows.column_text(0)] = rows.column_int64(1);
  return sequences;
}

class Recorder {
 public:
  Recorder(sqlite3 *db, int64 run_id) : db_(db), run_(std::to_string(run_id)) {}

  void record(const char *source_path, const MigrationPlan &plan) {
    run("INSERT INTO hangar.migrations (run_id, source_path, target_schema) VALUES (" + run_ + ", " +
        quote_.literal(source_path) + ", " + quote_.literal(plan.schema) + ")");
    record_objects();
    std::map<std::string, int64_t> sequences = read_sqlite_sequence(db_);
    for (const PlannedTable &t : plan.tables)
      if (!t.is_view) record_table(plan, t, sequences);
  }

 private:
  void run(const std::string &sql) {
    const char *text = palloc_string(sql);
    pg_guard([&] { spi_run_as_bookkeeping_owner("migrations", text); });
  }

  void record_objects() {
    Statement objects(db_, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                           "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
    std::string values;
    int position = 0;
    while (objects.step()) {
      values += std::string(values.empty() ? "" : ", ") + "(" + run_ + ", " + std::to_string(++position) + ", " +
                quote_.literal(objects.column_text(0)) + ", " + quote_.literal(objects.column_text(1)) + ", " +
                quote_.literal(objects.column_text(2)) + ", " + quote_.literal(objects.column_text(3)) + ")";
    }
    if (!values.empty())
      run("INSERT INTO hangar.migrated_objects (run_id, position, type, name, table_name, sql) VALUES " + values);
  }

  // Each column's type as PostgreSQL spells it (format_type), by column name.
  std::map<std::string, std::string> column_types(const MigrationPlan &plan, const PlannedTable &t) {
    std::map<std::string, std::string> types;
    Oid relid = target_relid(plan, t);
    if (!OidIsValid(relid)) return types;
    const char *sql = palloc_string("SELECT attname, pg_catalog.format_type(atttypid, atttypmod) FROM "
                                    "pg_catalog.pg_attribute WHERE attrelid = " + std::to_string(relid) +
                                    " AND attnum > 0 AND NOT attisdropped");
    uint64 rows = 0;
    char **cells = nullptr;
    pg_guard([&] {
      // not read-only: the tables were created by this transaction, after its snapshot
      if (SPI_execute(sql, false, 0) != SPI_OK_SELECT) elog(ERROR, "could not read the columns of a migrated table");
      rows = SPI_processed;
      cells = static_cast<char **>(palloc(sizeof(char *) * (2 * rows + 1)));
      for (uint64 i = 0; i < rows; ++i)
        for (int j = 0; j < 2; ++j) cells[2 * i + j] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, j + 1);
    });
    for (uint64 i = 0; i < rows; ++i) types[cells[2 * i]] = cells[2 * i + 1];
    return types;
  }

  void record_table(const MigrationPlan &plan, const PlannedTable &t, const std::map<std::string, int64_t> &sequences) {
    auto seq = sequences.find(t.sqlite_name);
    run("INSERT INTO hangar.migrated_tables (run_id, sqlite_name, target_table, sqlite_sequence) VALUES (" + run_ +
        ", " + quote_.literal(t.sqlite_name) + ", " + quote_.literal(t.pg_name) + ", " +
        (seq == sequences.end() ? std::string("NULL") : std::to_string(seq->second)) + ")");
    std::map<std::string, std::string> types = column_types(plan, t);
    std::string values;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const PlannedColumn &c = t.columns[i];
      auto type = types.find(c.pg_name);
      std::string sample_type = "NULL", sample = "NULL";
      if (has_form_to_learn(c.pg_type)) newest_value(t, c.sqlite_name, &sample_type, &sample);
      values += std::string(values.empty() ? "" : ", ") + "(" + run_ + ", " + quote_.literal(t.sqlite_name) + ", " +
                std::to_string(i + 1) + ", " + quote_.literal(c.sqlite_name) + ", " + quote_.literal(c.pg_name) +
                ", " + quote_.literal(type == types.end() ? c.pg_type : type->second) + ", " + sample_type + ", " +
                sample + ")";
    }
    if (!values.empty())
      run("INSERT INTO hangar.migrated_columns (run_id, sqlite_table, position, sqlite_name, target_column, "
          "target_type, sample_type, sample) VALUES " + values);
  }

  // The column's newest value (by rowid where the table has one), as SQL literals of its
  // storage class and its text.
  void newest_value(const PlannedTable &t, const std::string &column, std::string *type, std::string *text) {
    std::string quoted = quote_sqlite_identifier(column);
    std::string sql = "SELECT typeof(" + quoted + "), CAST(" + quoted + " AS TEXT) FROM " +
                      quote_sqlite_identifier(t.sqlite_name) + " WHERE " + quoted + " IS NOT NULL";
    if (!t.rowid_name.empty()) sql += " ORDER BY " + t.rowid_name + " DESC";
    Statement newest(db_, sql + " LIMIT 1");
    if (!newest.step()) return;
    *type = quote_.literal(newest.column_text(0));
    *text = quote_.literal(newest.column_text(1));
  }

  sqlite3 *db_;
  std::string run_;
  PostgresQuoter quote_;
};

}  // namespace

void record_migration(sqlite3 *db, int64 run_id, const char *source_path, const MigrationPlan &plan) {
  Recorder(db, run_id).record(source_path, plan);
}

}  // namespace hangar
