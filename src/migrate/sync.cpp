// hangar_sync(): catches a migrated schema up with what the app wrote to SQLite since the
// migration (or the last sync). Each table with a primary key is read whole from SQLite (one
// snapshot) into a temporary table through the migration's own copy and conversion, then
// compared with the target by key: rows SQLite added are inserted, changed ones updated, removed
// ones deleted (children before parents); only those rows are written. hangar.sync_state keeps,
// per target row, its key and the hash of its content after the last sync (16 bytes and the key
// a row: never a copy), so a row changed in PostgreSQL since then is found and refused, unless
// overwrite. Rows are compared by their text form (every type has one; json has no equality),
// under the fixed settings the function runs with (its SET clauses), so hashes stay comparable
// from one sync to the next. A SQLite table whose CREATE statement differs from the migrated
// one is refused.
// Sequences move past the new ids; every table is verified as hangar_verify does.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/table.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"
}

#include <map>
#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "core/join.hpp"
#include "core/migration_planner.hpp"
#include "pg/quoting.hpp"

namespace hangar {

namespace {

// Runs a statement that writes; the number of rows it wrote.
int64 spi_write(const std::string &sql) {
  const char *text = palloc_string(sql);
  return pg_guard([&] {
    spi_run(text);
    return static_cast<int64>(SPI_processed);
  });
}

// ROW(alias.c1, alias.c2, ...) of quoted columns.
std::string row_of(const char *alias, const std::vector<std::string> &columns) {
  std::vector<std::string> qualified;
  for (const std::string &c : columns) qualified.push_back(std::string(alias) + "." + c);
  return "ROW(" + join(qualified, ", ") + ")";
}

std::string first_value(const std::vector<TextRow> &rows) {
  return rows.empty() || !rows[0][0] ? std::string() : *rows[0][0];
}

class Sync {
 public:
  Sync(const char *source, const char *schema, bool overwrite) : source_text_(source), overwrite_(overwrite) {
    options_.target_schema = schema;
  }

  std::vector<SyncReport> run() {
    source_ = pg_guard([&] { return resolve_source(source_text_); });
    build_plan(source_, options_, &plan_);
    db_ = pg_guard([&] { return &connection_acquire(source_.path, source_.server.busy_timeout_ms); });
    run_id_ = last_migration();
    // the state the last sync wrote, with fresh statistics for the joins against it
    pg_guard([&] { spi_run_as_bookkeeping_owner("sync_state", "ANALYZE hangar.sync_state"); });
    std::vector<SyncReport> reports;
    std::vector<std::pair<size_t, size_t>> synced;  // (plan index, report index) of the tables with a
                                                    // temporary copy, parents first
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      const PlannedTable &pt = plan_.tables[t];
      if (pt.is_view) continue;
      SyncReport report;
      report.table_name = pt.sqlite_name;
      report.target_table = quote_.qualified(plan_.schema, pt.pg_name);
      instr_time start;
      INSTR_TIME_SET_CURRENT(start);
      if (prepare_table(t, &report)) {
        apply_changes(t, &report);
        synced.push_back({t, reports.size()});
      }
      report.seconds = seconds_since(start);
      reports.push_back(std::move(report));
    }
    // deletions last, children first, so no foreign key sees a parent go before its children
    for (auto it = synced.rbegin(); it != synced.rend(); ++it)
      reports[it->second].rows_deleted = spi_write("DELETE FROM " + target(it->first) + " t WHERE NOT EXISTS (SELECT 1 FROM " +
                                                   copy_name(it->first) + " s WHERE " + key_match(it->first) + ")");
    std::string state_owner = first_value(spi_text_rows(
        "SELECT quote_ident(tableowner) FROM pg_tables WHERE schemaname = 'hangar' AND tablename = 'sync_state'", true));
    for (const auto &[t, r] : synced) {
      remember_state(t, state_owner);
      for (const PlanStep &step : plan_.steps)
        if (step.phase == Phase::Sequences && step.table == static_cast<int>(t)) spi_write(step.sql);
      SyncReport &report = reports[r];
      ReportRow check = verify_table(db_->handle(), source_, plan_, plan_.tables[t]);
      report.verified = check.verified;
      if (!check.detail.empty()) report.detail += (report.detail.empty() ? "" : "; ") + ("not verified: " + check.detail);
      spi_write("DROP TABLE " + copy_name(t));  // a second sync in the same transaction makes them again
    }
    return reports;
  }

 private:
  struct TableSync {
    std::string copy;                 // the temporary table SQLite's rows were copied into
    std::vector<std::string> keys;    // quoted primary key columns
    std::vector<std::string> columns; // quoted columns compared and written (not generated ones)
    bool had_state = false;
  };

  std::string target(size_t t) const { return quote_.qualified(plan_.schema, plan_.tables[t].pg_name); }
  std::string copy_name(size_t t) const { return tables_.at(t).copy; }
  std::string key_match(size_t t) const {
    const TableSync &ts = tables_.at(t);
    return "(" + row_of("t", ts.keys).substr(3) + " = " + row_of("s", ts.keys).substr(3) + ")";
  }
  std::string state_filter(size_t t) const {
    return "h.source_path = " + quote_.literal(source_.path) + " AND h.target_schema = " +
           quote_.literal(plan_.schema) + " AND h.table_name = " + quote_.literal(plan_.tables[t].pg_name);
  }

  // The migration this sync continues: the newest of this file into this schema.
  std::string last_migration() {
    std::string run = first_value(spi_text_rows(
        "SELECT max(run_id) FROM hangar.migrations WHERE source_path = " + quote_.literal(source_.path) +
            " AND target_schema = " + quote_.literal(plan_.schema),
        true, "migrations"));
    if (run.empty())
      throw Error("55000", "this SQLite file was never migrated into schema \"" + plan_.schema + "\"",
                  "The file is \"" + std::string(source_.path) + "\".",
                  "Run hangar_migrate first; hangar_sync catches a migrated schema up.");
    return run;
  }

  // Checks the table can be synced, copies SQLite's rows into a temporary table, and refuses
  // rows PostgreSQL changed since the last sync. false: the table is reported, not synced.
  bool prepare_table(size_t t, SyncReport *report) {
    const PlannedTable &pt = plan_.tables[t];
    Oid relid = target_relid(plan_, pt);
    std::string migrated_sql = first_value(spi_text_rows(
        "SELECT sql FROM hangar.migrated_objects WHERE run_id = " + run_id_ + " AND type = 'table' AND name = " +
            quote_.literal(pt.sqlite_name),
        true, "migrated_objects"));
    if (!OidIsValid(relid) || migrated_sql.empty()) {
      report->detail = "not migrated: new in SQLite since the migration, or its table is gone (migrate it)";
      return false;
    }
    Statement current = db_->prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    current.bind_text(1, pt.sqlite_name);
    if (!current.step() || current.column_text(0) != migrated_sql)
      throw Error("55000", "SQLite table \"" + pt.sqlite_name + "\" changed since it was migrated",
                  "Its CREATE TABLE statement is not the one hangar_migrate read; columns may have been added, "
                  "removed or retyped.",
                  "Migrate that table again (drop it in PostgreSQL and run hangar_migrate).");
    TableSync ts;
    std::string rel = std::to_string(relid);
    for (const TextRow &r : spi_text_rows("SELECT quote_ident(a.attname) FROM pg_index i JOIN pg_attribute a ON "
                                          "a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = " +
                                              rel + " AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
                                          true))
      ts.keys.push_back(*r[0]);
    if (ts.keys.empty()) {
      report->detail = "not synced: it has no primary key to match rows by";
      return false;
    }
    for (const TextRow &r : spi_text_rows("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = " + rel +
                                              " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                                          true))
      ts.columns.push_back(*r[0]);
    ts.copy = "pg_temp." + quote_.ident("hangar_sync_" + std::to_string(t));
    spi_write("CREATE TEMPORARY TABLE " + ts.copy + " ON COMMIT DROP AS SELECT * FROM " + target(t) + " WITH NO DATA");
    Oid copy_relid =
        static_cast<Oid>(std::stoul(first_value(spi_text_rows("SELECT " + quote_.literal(ts.copy) + "::regclass::oid", false))));
    Relation copy_rel = pg_guard([&] { return table_open(copy_relid, RowExclusiveLock); });
    CopySpec spec = copy_spec(pt, copy_rel, true, OnError::Stop, 0);
    pg_guard([&] {
      copy_table(db_->handle(), spec, copy_rel, source_.server);
      table_close(copy_rel, NoLock);
    });
    spi_write("ANALYZE " + ts.copy);  // else the planner takes it for empty and joins it in nested loops
    ts.had_state = first_value(spi_text_rows("SELECT count(*) FROM hangar.sync_state h WHERE " + state_filter(t),
                                             true, "sync_state")) != "0";
    tables_[t] = ts;
    if (ts.had_state && !overwrite_) refuse_changed_in_postgres(t);
    if (!ts.had_state) report->detail = "first sync: PostgreSQL's rows taken as the migration left them";
    return true;
  }

  // A row the sync would update or delete whose content is not the one the last sync left, or a
  // row the last sync left that PostgreSQL has deleted and SQLite still has.
  void refuse_changed_in_postgres(size_t t) {
    const TableSync &ts = tables_.at(t);
    std::string key_text = row_of("t", ts.keys) + "::text";
    std::string sql =
        "SELECT min(k) FROM (SELECT " + key_text + " AS k FROM " + target(t) + " t LEFT JOIN " + ts.copy + " s ON " +
        key_match(t) + " WHERE (s." + ts.keys[0] + " IS NULL OR " + row_of("s", ts.columns) + "::text <> " +
        row_of("t", ts.columns) + "::text) AND NOT EXISTS (SELECT 1 FROM hangar.sync_state h WHERE " + state_filter(t) +
        " AND h.key = " + key_text + " AND h.row_hash = md5(" + row_of("t", ts.columns) + "::text)::uuid)" +
        " UNION ALL SELECT h.key FROM hangar.sync_state h WHERE " + state_filter(t) + " AND NOT EXISTS (SELECT 1 FROM " +
        target(t) + " t WHERE " + key_text + " = h.key) AND EXISTS (SELECT 1 FROM " + ts.copy + " s WHERE " +
        row_of("s", ts.keys) + "::text = h.key)) c";  // min(), not LIMIT 1: no fast-start nested loops
    std::string key = first_value(spi_text_rows(sql, false, "sync_state"));
    if (!key.empty())
      throw Error("55000", "row " + key + " of " + target(t) + " changed in PostgreSQL since the last sync",
                  "The app must not write to both sides; nothing was synced.",
                  "Give overwrite => true to replace PostgreSQL's rows with SQLite's.");
  }

  void apply_changes(size_t t, SyncReport *report) {
    const TableSync &ts = tables_.at(t);
    std::string list = join(ts.columns, ", ");
    report->rows_updated = spi_write("UPDATE " + target(t) + " t SET (" + list + ") = " + row_of("s", ts.columns) +
                                     " FROM " + ts.copy + " s WHERE " + key_match(t) + " AND " +
                                     row_of("s", ts.columns) + "::text <> " + row_of("t", ts.columns) + "::text");
    report->rows_inserted = spi_write("INSERT INTO " + target(t) + " (" + list + ") SELECT " + list + " FROM " + ts.copy +
                                      " s WHERE NOT EXISTS (SELECT 1 FROM " + target(t) + " t WHERE " + key_match(t) + ")");
  }

  // The state the next sync compares with: each row's key and content hash, as SQLite has them
  // now. Only what differs from the state the last sync left is written.
  void remember_state(size_t t, const std::string &state_owner) {
    const TableSync &ts = tables_.at(t);
    spi_write("GRANT SELECT ON " + ts.copy + " TO " + state_owner);  // it writes the state as that owner
    std::string key = row_of("s", ts.keys) + "::text";
    std::string hash = "md5(" + row_of("s", ts.columns) + "::text)::uuid";
    std::string current = "SELECT " + key + " AS key, " + hash + " AS row_hash FROM " + ts.copy + " s";
    std::string sql =
        "DELETE FROM hangar.sync_state h WHERE " + state_filter(t) + " AND NOT EXISTS (SELECT 1 FROM (" + current +
        ") c WHERE c.key = h.key AND c.row_hash = h.row_hash); INSERT INTO hangar.sync_state (source_path, target_schema, "
        "table_name, key, row_hash) SELECT " + quote_.literal(source_.path) + ", " + quote_.literal(plan_.schema) + ", " +
        quote_.literal(plan_.tables[t].pg_name) + ", c.key, c.row_hash FROM (" + current +
        ") c WHERE NOT EXISTS (SELECT 1 FROM hangar.sync_state h WHERE " + state_filter(t) +
        " AND h.key = c.key AND h.row_hash = c.row_hash)";
    const char *text = palloc_string(sql);
    pg_guard([&] { spi_run_as_bookkeeping_owner("sync_state", text); });
  }

  const char *source_text_;
  bool overwrite_;
  MigrationOptions options_;
  MigrationSource source_{};
  MigrationPlan plan_;
  Database *db_ = nullptr;
  std::string run_id_;
  std::map<size_t, TableSync> tables_;
  PostgresQuoter quote_;
};

}  // namespace

std::vector<SyncReport> sync_migration(const char *source, const char *target_schema, bool overwrite) {
  return Sync(source, target_schema, overwrite).run();
}

}  // namespace hangar
