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
#include <utility>

#include "core/migration_planner.hpp"
#include "core/sqlite_db.hpp"
#include "core/sqlite_query.hpp"
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
  if (!has_sqlite_sequence(db)) return sequences;
  Statement rows(db, "SELECT name, seq FROM sqlite_sequence");
  while (rows.step()) sequences[rows.column_text(0)] = rows.column_int64(1);
  return sequences;
}

// Rows for one INSERT ... VALUES, sent a few hundred at a time (a migration may have thousands of
// tables), as the catalog's owner.
class InsertBatch {
 public:
  explicit InsertBatch(std::string insert) : insert_(std::move(insert)) {}

  void add(const std::string &tuple) {
    values_ += (values_.empty() ? "" : ", ") + tuple;
    if (++count_ == kRowsPerStatement) flush();
  }

  void flush() {
    if (values_.empty()) return;
    const char *text = palloc_string(insert_ + " VALUES " + values_);
    pg_guard([&] { spi_run_as_bookkeeping_owner("migrations", text); });
    values_.clear();
    count_ = 0;
  }

 private:
  static constexpr int kRowsPerStatement = 500;
  std::string insert_;
  std::string values_;
  int count_ = 0;
};

class Recorder {
 public:
  Recorder(sqlite3 *db, int64 run_id) : db_(db), run_(std::to_string(run_id)) {}

  void record(const char *source_path, const MigrationPlan &plan) {
    InsertBatch migration("INSERT INTO hangar.migrations (run_id, source_path, target_schema)");
    migration.add("(" + run_ + ", " + quote_.literal(source_path) + ", " + quote_.literal(plan.schema) + ")");
    migration.flush();
    record_objects();
    std::map<std::string, int64_t> sequences = read_sqlite_sequence(db_);
    auto types = column_types(plan);
    std::map<std::string, std::string> constraints = constraint_signatures(plan);
    InsertBatch tables(
        "INSERT INTO hangar.migrated_tables (run_id, sqlite_name, target_table, sqlite_sequence, constraints)");
    InsertBatch columns("INSERT INTO hangar.migrated_columns (run_id, sqlite_table, position, sqlite_name, "
                        "target_column, target_type, target_not_null, sample_type, sample)");
    for (const PlannedTable &t : plan.tables) {
      if (t.is_view) continue;
      auto seq = sequences.find(t.sqlite_name);
      tables.add("(" + run_ + ", " + quote_.literal(t.sqlite_name) + ", " + quote_.literal(t.pg_name) + ", " +
                 (seq == sequences.end() ? std::string("NULL") : std::to_string(seq->second)) + ", " +
                 quote_.literal(constraints[t.pg_name]) + ")");
    }
    tables.flush();
    for (const PlannedTable &t : plan.tables)
      if (!t.is_view) record_columns(t, types, &columns);
    columns.flush();
  }

 private:
  void record_objects() {
    Statement objects(db_, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                           "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
    InsertBatch batch("INSERT INTO hangar.migrated_objects (run_id, position, type, name, table_name, sql)");
    int position = 0;
    while (objects.step())
      batch.add("(" + run_ + ", " + std::to_string(++position) + ", " + quote_.literal(objects.column_text(0)) + ", " +
                quote_.literal(objects.column_text(1)) + ", " + quote_.literal(objects.column_text(2)) + ", " +
                quote_.literal(objects.column_text(3)) + ")");
    batch.flush();
  }

  std::map<std::string, std::string> constraint_signatures(const MigrationPlan &plan) {
    std::map<std::string, std::string> signatures;
    // not read-only: the tables were created by this transaction, after its snapshot
    for (const TextRow &row : spi_text_rows(constraints_signature_query(quote_.literal(plan.schema)), false))
      signatures[*row[0]] = *row[1];
    return signatures;
  }

  // Every column's type as PostgreSQL spells it (format_type) and whether it is NOT NULL ("t" or
  // "f"), by table and column name, read in one query over the target schema.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> column_types(const MigrationPlan &plan) {
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> types;
    // not read-only: the tables were created by this transaction, after its snapshot
    for (const TextRow &row : spi_text_rows(
             "SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull "
             "FROM pg_catalog.pg_attribute a "
             "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = " + quote_.literal(plan.schema) +
                 " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
             false))
      types[{*row[0], *row[1]}] = {*row[2], *row[3]};
    return types;
  }

  void record_columns(const PlannedTable &t,
                      const std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> &types,
                      InsertBatch *batch) {
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const PlannedColumn &c = t.columns[i];
      auto type = types.find({t.pg_name, c.pg_name});
      std::string sample_type = "NULL", sample = "NULL";
      if (has_form_to_learn(c.pg_type)) newest_value(t, c.sqlite_name, &sample_type, &sample);
      batch->add("(" + run_ + ", " + quote_.literal(t.sqlite_name) + ", " + std::to_string(i + 1) + ", " +
                 quote_.literal(c.sqlite_name) + ", " + quote_.literal(c.pg_name) + ", " +
                 quote_.literal(type == types.end() ? c.pg_type : type->second.first) + ", " +
                 (type != types.end() && type->second.second == "t" ? "true" : "false") + ", " + sample_type + ", " +
                 sample + ")");
    }
  }

  // The column's newest value (by rowid where the table has one), as SQL literals of its
  // storage class and its text.
  void newest_value(const PlannedTable &t, const std::string &column, std::string *type, std::string *text) {
    std::string quoted = quote_sqlite_identifier(column);
    Statement newest(db_, "SELECT typeof(" + quoted + "), CAST(" + quoted + " AS TEXT) FROM (" +
                              newest_value_sql(t.sqlite_name, column, t.rowid_name) + ")");
    if (!newest.step()) return;
    *type = quote_.literal(newest.column_text(0));
    *text = quote_.literal(newest.column_text(1));
  }

  sqlite3 *db_;
  std::string run_;
  PostgresQuoter quote_;
};

}  // namespace

std::string constraints_signature_query(const std::string &schema_literal) {
  return "SELECT c.relname, pg_catalog.string_agg(pg_catalog.concat_ws(' ', k.contype, k.conname, "
         "pg_catalog.pg_get_constraintdef(k.oid)), E'\\n' ORDER BY k.conname) FROM pg_catalog.pg_constraint k "
         "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
         "WHERE n.nspname = " + schema_literal + " AND k.contype IN ('p', 'u', 'c', 'f') GROUP BY c.relname";
}

void record_migration(sqlite3 *db, int64 run_id, const char *source_path, const MigrationPlan &plan) {
  Recorder(db, run_id).record(source_path, plan);
}

std::vector<ReportRow> tables_gone_from_source(const char *source_path, const MigrationPlan &plan) {
  PostgresQuoter quote;
  std::string schema = quote.literal(plan.schema);
  std::vector<ReportRow> gone;
  for (const TextRow &r : spi_text_rows(
           "SELECT t.sqlite_name, t.target_table FROM hangar.migrated_tables t WHERE t.run_id = (SELECT max(run_id) "
           "FROM hangar.migrations WHERE source_path = " + quote.literal(source_path) + " AND target_schema = " +
               schema + ") AND pg_catalog.to_regclass(pg_catalog.quote_ident(" + schema +
               ") || '.' || pg_catalog.quote_ident(t.target_table)) IS NOT NULL ORDER BY t.sqlite_name",
           true, "migrated_tables")) {
    bool planned = false;
    for (const PlannedTable &t : plan.tables) planned = planned || (!t.is_view && t.sqlite_name == *r[0]);
    if (planned) continue;
    ReportRow row;
    row.table_name = *r[0];
    row.target_table = quote.qualified(plan.schema, *r[1]);
    row.verified = 0;
    row.detail = "gone from SQLite since the migration (dropped or renamed): PostgreSQL's table was left as it is";
    gone.push_back(row);
  }
  return gone;
}

}  // namespace hangar
