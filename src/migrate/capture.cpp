// hangar_capture_start() and hangar_capture_stop(): change capture in the SQLite file itself.
// Start makes the log table (core/capture_sql) and, on every table, AFTER INSERT, UPDATE and
// DELETE triggers that log the row's key (only the table, for a table without a primary key); stop
// removes the triggers and the log. Both write through the file's write connection, so their
// DDL commits or rolls back with the caller's transaction; both need pg_write_server_files.
// Both also forget which log entries the syncs of this file applied (hangar.syncs), so the next
// sync of each schema reads every row: changes made before the triggers were in place, or
// after they were gone, are in no log.
#include "migrate/migrate.hpp"

#include <algorithm>

#include "core/capture_sql.hpp"
#include "core/join.hpp"
#include "core/migration_planner.hpp"
#include "migrate/sync_state.hpp"
#include "pg/error_bridge.hpp"

namespace hangar {

namespace {

Database &writable_source(const char *source_text, MigrationSource *source, const char *what) {
  pg_guard([&] { check_write_server_files_privilege(what); });
  *source = pg_guard([&] { return resolve_source(source_text); });
  return *pg_guard([&] { return &connection_acquire_for_write(source->path, source->server.busy_timeout_ms); });
}

}  // namespace

bool capture_log_present(sqlite3 *db) {
  std::string sql = std::string("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '") + kCaptureLog + "'";
  Statement stmt(db, sql);
  return stmt.step();
}

bool capture_triggers_present(sqlite3 *db, const std::string &table) {
  Statement stmt(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 AND name IN (?2, ?3, ?4)");
  stmt.bind_text(1, table);
  std::vector<std::string> names = capture_trigger_names(table);
  for (int i = 0; i < 3; ++i) stmt.bind_text(i + 2, names[static_cast<size_t>(i)]);
  return stmt.step() && stmt.column_int64(0) == 3;
}

std::vector<std::string> sqlite_primary_key(sqlite3 *db, const std::string &table) {
  Statement stmt(db, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk");
  stmt.bind_text(1, table);
  std::vector<std::string> keys;
  while (stmt.step()) keys.push_back(stmt.column_text(0));
  return keys;
}

std::vector<CaptureReport> capture_start(const char *source_text) {
  MigrationSource source{};
  Database &db = writable_source(source_text, &source, "start change capture in a SQLite file");
  MigrationOptions options;
  MigrationPlan plan;
  build_plan(source, options, &plan);
  std::vector<CaptureReport> reports;
  std::vector<std::pair<std::string, std::vector<std::string>>> captured;
  size_t widest = 1;
  for (const PlannedTable &t : plan.tables) {
    if (t.is_view) continue;
    std::vector<std::string> keys = sqlite_primary_key(db.handle(), t.sqlite_name);
    widest = std::max(widest, keys.size());
    captured.push_back({t.sqlite_name, keys});
  }
  if (!capture_log_present(db.handle())) {
    db.exec(capture_log_ddl(static_cast<int>(widest)));
    pg_guard([&] { forget_capture_applied(source.path); });
  } else {
    int64_t have = db.query_int64(std::string("SELECT count(*) FROM pragma_table_info('") + kCaptureLog +
                                  "') WHERE name GLOB 'k[0-9]*'");
    for (int64_t i = have; i < static_cast<int64_t>(widest); ++i)
      db.exec(std::string("ALTER TABLE ") + kCaptureLog + " ADD COLUMN " + capture_key_column(static_cast<int>(i)));
  }
  for (const auto &[table, keys] : captured) {
    for (const std::string &name : capture_trigger_names(table)) db.exec("DROP TRIGGER IF EXISTS " + quote_sqlite_identifier(name));
    for (const std::string &ddl : capture_trigger_ddl(table, keys)) db.exec(ddl);
    reports.push_back({table, keys.empty()
                                  ? "capturing that it changed (it has no primary key: a sync reads it whole then)"
                                  : "capturing changes by (" + join(keys, ", ") + ")"});
  }
  return reports;
}

std::vector<CaptureReport> capture_stop(const char *source_text) {
  MigrationSource source{};
  Database &db = writable_source(source_text, &source, "stop change capture in a SQLite file");
  std::vector<CaptureReport> reports;
  std::vector<std::pair<std::string, std::string>> triggers;
  Statement stmt = db.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE ?1 || '%' "
                              "ESCAPE '\\' ORDER BY tbl_name, name");
  stmt.bind_text(1, "hangar\\_capture\\_");
  while (stmt.step()) triggers.push_back({stmt.column_text(0), stmt.column_text(1)});
  for (const auto &[name, table] : triggers) {
    db.exec("DROP TRIGGER " + quote_sqlite_identifier(name));
    if (reports.empty() || reports.back().table_name != table) reports.push_back({table, "capture stopped"});
  }
  if (capture_log_present(db.handle())) {
    int64_t entries = db.query_int64(std::string("SELECT count(*) FROM ") + kCaptureLog);
    db.exec(std::string("DROP TABLE ") + kCaptureLog);
    reports.push_back({kCaptureLog, "dropped, with " + std::to_string(entries) + (entries == 1 ? " entry" : " entries")});
    pg_guard([&] { forget_capture_applied(source.path); });
  }
  return reports;
}

}  // namespace hangar
