// hangar_sync(): catches a migrated schema up with what the app wrote to SQLite since the
// migration or the last sync, in the caller's transaction, against one SQLite snapshot. First
// every table is checked (its SQLite schema is the one migrated) and gets its temporary tables;
// then, parents first, each is locked against other writers and its state, target and SQLite
// rows compared by key (sync_compare.cpp; a table without a primary key as a multiset of rows),
// reading only the keys the change log holds when capture is on and can be trusted
// (capture_plan), which leaves the rows to write in one temporary table and the keys (or tids)
// to delete in another. Without a change log one thread reads every table's SQLite rows in
// turn, ahead of the comparisons (read_every_table). In reject mode the rows that would be left
// without their parent are rejected then (sync_orphans.cpp). Then it writes (write_all): updates
// and inserts parents first, deletes children first, only the columns SQLite fills; sequences
// move past the new ids; and each table is verified (row count and checksum, as hangar_verify)
// against the SQLite rows the comparison read. A migrated table SQLite no longer has is reported.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/table.h"
#include "executor/spi.h"
#include "catalog/pg_authid.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
}

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "core/join.hpp"
#include "core/capture_sql.hpp"
#include "core/migration_planner.hpp"
#include "core/sqlite_query.hpp"
#include "migrate/sync_compare.hpp"
#include "migrate/sync_orphans.hpp"
#include "migrate/sync_state.hpp"
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

// How long the write that deletes applied change-log entries waits for the file's lock.
constexpr int kClearWaitMs = 200;

// A CREATE TABLE statement from its column list on: SQLite rewrites the name when a table is
// renamed (a rebuilt table is renamed into place), which changes nothing a sync depends on.
std::string table_body(const std::string &create) {
  size_t open = create.find('(');
  return open == std::string::npos ? create : create.substr(open);
}
// Writes of at most this many rows return them for verification; more are read back in batches.
constexpr int64 kReturnedRows = 100000;

std::string first_value(const std::vector<TextRow> &rows) {
  return rows.empty() || !rows[0][0] ? std::string() : *rows[0][0];
}

class Sync {
 public:
  Sync(const SyncRequest &request) : request_(request) { options_.target_schema = request.target_schema; }

  std::vector<SyncReport> run() {
    source_ = pg_guard([&] { return resolve_source(request_.source); });
    pg_guard([] { require_current_state_tables(); });
    const char *schema = request_.target_schema;
    applied_ = pg_guard([&] { return capture_applied(source_.path, schema); });
    clear_applied_log_entries();  // before anything reads the file: it writes on a connection of its own
    build_plan(source_, options_, &plan_);
    db_ = pg_guard([&] { return &connection_acquire(source_.path, source_.server.busy_timeout_ms); });
    if (capture_log_present(db_->handle()))
      upto_ = db_->query_int64(std::string("SELECT coalesce(max(seq), 0) FROM ") + kCaptureLog);
    run_id_ = last_migration();
    load_migrated_objects();
    sync_run_id_ = pg_guard([] { return next_run_id(); });
    std::vector<SyncReport> reports;
    std::vector<std::pair<size_t, size_t>> synced;  // (plan index, report index), parents first
    // every table checked before any is read, so a schema change stops the sync at once
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      const PlannedTable &pt = plan_.tables[t];
      if (pt.is_view) continue;
      SyncReport report;
      report.table_name = pt.sqlite_name;
      report.target_table = quote_.qualified(plan_.schema, pt.pg_name);
      report.seconds = 0;
      time(&report, [&] {
        if (prepare_table(t, &report)) synced.push_back({t, reports.size()});
      });
      reports.push_back(std::move(report));
    }
    for (const ReportRow &gone : tables_gone_from_source(source_.path, plan_)) {  // reported, left as they are
      SyncReport report;
      report.table_name = gone.table_name;
      report.target_table = gone.target_table;
      report.verified = gone.verified;
      report.detail = gone.detail;
      reports.push_back(std::move(report));
    }
    SqliteRead *read = read_every_table(synced);
    for (const auto &[t, r] : synced) time(&reports[r], [&] { compare(t, &reports[r], read); });
    if (read) pg_guard([&] { end_read_ahead(read); });
    if (request_.on_error == OnError::Reject) logged_step("orphans", "", [&] { reject_orphans(synced, &reports); });
    logged_step("writes", "", [&] { write_all(synced, &reports); });
    for (const auto &[t, r] : synced)
      time(&reports[r], [&] { logged_step("finish", reports[r].table_name.c_str(), [&] { few_rows(t, [&] { finish_table(t, &reports[r]); }); }); });
    pg_guard([&] { record_sync(source_.path, schema, upto_); });
    return reports;
  }

 private:
  struct TableSync {
    std::string changes;              // temporary table of the SQLite rows to write
    std::string gone;                 // temporary table of the keys to delete
    std::vector<std::string> keys;    // quoted primary key columns
    AttrNumber *key_attnums = nullptr;  // and their attributes in the target, in key order
    Oid changes_oid = InvalidOid;           // the temporary table of the rows to write
    AttrNumber *changes_keys = nullptr;     // the key's attributes there
    CopySpec changes_spec{};                // the copy of SQLite's rows into it (plan_changes; its
                                            // attnums: its attributes, in SQLite column order)
    StateTable state{};                     // the table's hangar.sync_state
    std::vector<std::string> columns; // quoted columns written: SQLite's, not generated ones
    CopySpec target_spec{};           // the target's attributes, in SQLite column order
    CompareResult compared;
    bool few = false;                 // few rows change (see few_rows)
    bool incremental = false;         // only this sync writes the table (only_sync_writes)
    bool returned = false;            // the writes returned what they stored (write_rows)
    TableChecksum stored;             // the rows they returned
    std::vector<std::string> index_notes;  // indexes SQLite added, dropped or changed since the migration
  };

  // Runs work with hash and merge joins off when few rows of table t change, so the statements
  // look the keys up by the primary key's index: the planner, costing those reads as reads from
  // disk, would read the whole target to hash-join a few thousand keys. An error ends the
  // transaction, which restores the settings too.
  template <typename Work>
  void few_rows(size_t t, Work work) {
    if (!tables_.at(t).few) return work();
    int level = pg_guard([] { return set_config_for_call({{"enable_hashjoin", "off"}, {"enable_mergejoin", "off"}}); });
    work();
    pg_guard([&] { AtEOXact_GUC(true, level); });
  }

  template <typename Work>
  static void time(SyncReport *report, Work work) {
    report->seconds += seconds_of(work);
  }

  // Runs work and logs its time at DEBUG1, for measuring where a sync spends it.
  template <typename Work>
  static void logged_step(const char *what, const char *table, Work work) {
    double seconds = seconds_of(work);
    pg_guard([&] { log_step_time("hangar_sync", what, table, seconds); });
  }

  std::string target(size_t t) const { return quote_.qualified(plan_.schema, plan_.tables[t].pg_name); }
  // Target row t is the row of s by key; by tid (gone's) in a table without a primary key.
  std::string key_match(size_t t) const {
    const TableSync &ts = tables_.at(t);
    if (ts.keys.empty()) return "t.ctid = s.tid";
    return "(" + row_of("t", ts.keys).substr(3) + " = " + row_of("s", ts.keys).substr(3) + ")";
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

  // The CREATE statements of the tables and indexes the migration read, by table.
  void load_migrated_objects() {
    for (const TextRow &row : spi_text_rows("SELECT type, name, table_name, sql FROM hangar.migrated_objects WHERE "
                                            "run_id = " + run_id_ + " AND type IN ('table', 'index')",
                                            true, "migrated_objects")) {
      std::string name = row[1].value_or(""), sql = row[3].value_or("");
      if (row[0].value_or("") == "table")
        migrated_tables_[name] = sql;
      else
        migrated_indexes_[row[2].value_or("")][name] = sql;
    }
  }

  // Checks the table can be synced and makes its two temporary tables. false: the table is
  // reported, not synced.
  bool prepare_table(size_t t, SyncReport *report) {
    const PlannedTable &pt = plan_.tables[t];
    Oid relid = target_relid(plan_, pt);
    auto migrated = migrated_tables_.find(pt.sqlite_name);
    std::string migrated_sql = migrated == migrated_tables_.end() ? "" : migrated->second;
    if (!OidIsValid(relid) || migrated_sql.empty()) {
      report->detail = "not migrated: new in SQLite since the migration, or its table is gone (migrate it)";
      return false;
    }
    Statement current = db_->prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    current.bind_text(1, pt.sqlite_name);
    if (!current.step() || table_body(current.column_text(0)) != table_body(migrated_sql))
      throw Error("55000", "SQLite table \"" + pt.sqlite_name + "\" changed since it was migrated",
                  "Its CREATE TABLE statement is not the one hangar_migrate read; columns may have been added, "
                  "removed, retyped or reordered (a framework rebuilding the table).",
                  "Migrate the file again into a new schema (hangar_migrate(source, 'new_schema')), or drop the "
                  "target schema and migrate into it again, then sync from there.");
    TableSync ts;
    int nkeys = 0;
    ts.key_attnums = pg_guard([&] {
      Relation target_rel = table_open(relid, AccessShareLock);
      AttrNumber *attnums = primary_key_attnums(target_rel, &nkeys);
      table_close(target_rel, NoLock);
      return attnums;
    });
    for (int k = 0; k < nkeys; ++k)
      ts.keys.push_back(quote_.ident(pg_guard([&] { return get_attname(relid, ts.key_attnums[k], false); })));
    std::string suffix = std::to_string(t);
    ts.changes = "pg_temp." + quote_.ident("hangar_sync_changes_" + suffix);
    ts.gone = "pg_temp." + quote_.ident("hangar_sync_gone_" + suffix);
    spi_write("CREATE TEMPORARY TABLE " + ts.changes + " ON COMMIT DROP AS SELECT * FROM " + target(t) + " WITH NO DATA");
    if (ts.keys.empty())  // compared as a multiset: a row to delete is found by its tid
      spi_write("CREATE TEMPORARY TABLE " + ts.gone + " (tid tid) ON COMMIT DROP");
    else
      spi_write("CREATE TEMPORARY TABLE " + ts.gone + " ON COMMIT DROP AS SELECT " + join(ts.keys, ", ") + " FROM " +
                target(t) + " WITH NO DATA");
    ts.index_notes = index_changes(pt);
    tables_[t] = ts;
    plan_changes(t);
    return true;
  }

  // How table t's SQLite rows are copied into its temporary table of the rows to write, and
  // where the key is there.
  void plan_changes(size_t t) {
    const PlannedTable &pt = plan_.tables[t];
    TableSync &ts = tables_.at(t);
    Oid target_oid = target_relid(plan_, pt);
    Oid changes_oid = ts.changes_oid = relid_of(ts.changes);
    Relation changes_rel = pg_guard([&] { return table_open(changes_oid, RowExclusiveLock); });
    ts.changes_spec = copy_spec(pt, changes_rel, true, request_.on_error, sync_run_id_);
    int nkeys = static_cast<int>(ts.keys.size());
    AttrNumber *changes_keys = ts.changes_keys = palloc_items<AttrNumber>(static_cast<size_t>(nkeys));
    const AttrNumber *target_keys = ts.key_attnums;
    for (int k = 0; k < nkeys; ++k)
      changes_keys[k] = pg_guard([&] { return get_attnum(changes_oid, get_attname(target_oid, target_keys[k], false)); });
    set_raw_comparison(&ts.changes_spec, RelationGetDescr(changes_rel), changes_keys, nkeys);
    pg_guard([&] { table_close(changes_rel, NoLock); });
  }

  // Without a change log every table is read whole: one reader reads them all in turn, so that
  // SQLite is read on the second core while each table's state is loaded and its target
  // scanned, and goes on to the next table's rows meanwhile. nullptr with a change log, or when
  // some table's rows must be read on the backend's own thread (each comparison reads its own).
  SqliteRead *read_every_table(const std::vector<std::pair<size_t, size_t>> &synced) {
    if (upto_ >= 0 || synced.empty()) return nullptr;
    std::vector<const CopySpec *> specs;
    std::vector<Relation> rels;
    for (const auto &[t, r] : synced) {
      const TableSync &ts = tables_.at(t);
      specs.push_back(&ts.changes_spec);
      rels.push_back(pg_guard([&] { return table_open(ts.changes_oid, RowExclusiveLock); }));
    }
    SqliteRead *read = pg_guard([&] {
      return start_read_ahead(db_->handle(), specs.data(), rels.data(), static_cast<int>(rels.size()), kSyncReadAheadBytes);
    });
    for (Relation rel : rels) pg_guard([&] { table_close(rel, NoLock); });
    return read;
  }

  // The indexes of a table the app created, dropped or changed in SQLite since the migration:
  // the sync moves rows, not schema, so PostgreSQL still has the indexes the migration made (a
  // unique index SQLite has and PostgreSQL lacks lets PostgreSQL take rows SQLite refuses).
  std::vector<std::string> index_changes(const PlannedTable &pt) {
    const std::map<std::string, std::string> &migrated = migrated_indexes_[pt.sqlite_name];
    std::map<std::string, std::string> current;
    Statement now = db_->prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND "
                                 "tbl_name = ?1 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
    now.bind_text(1, pt.sqlite_name);
    while (now.step()) current[now.column_text(0)] = now.column_text(1);
    std::vector<std::string> notes;
    for (const auto &[name, sql] : current) {
      auto found = migrated.find(name);
      if (found == migrated.end())
        notes.push_back("index \"" + name + "\" was created in SQLite since the migration: PostgreSQL does not have it");
      else if (found->second != sql)
        notes.push_back("index \"" + name + "\" changed in SQLite since the migration: PostgreSQL has it as migrated");
    }
    for (const auto &[name, sql] : migrated)
      if (!current.count(name))
        notes.push_back("index \"" + name + "\" was dropped in SQLite since the migration: PostgreSQL still has it");
    return notes;
  }

  Oid relid_of(const std::string &name) {
    return static_cast<Oid>(std::stoul(first_value(spi_text_rows("SELECT " + quote_.literal(name) + "::regclass::oid", false))));
  }

  // Compares state, target and SQLite (sync_compare.cpp), reading SQLite's rows from ahead when
  // given (read_every_table); nothing is written to the target yet.
  void compare(size_t t, SyncReport *report, SqliteRead *ahead) {
    const PlannedTable &pt = plan_.tables[t];
    TableSync &ts = tables_.at(t);
    Oid target_oid = target_relid(plan_, pt), changes_oid = ts.changes_oid, gone_oid = relid_of(ts.gone);
    // Other writers wait until this transaction ends; readers do not.
    Relation target_rel = pg_guard([&] { return table_open(target_oid, ShareRowExclusiveLock); });
    Relation changes_rel = pg_guard([&] { return table_open(changes_oid, RowExclusiveLock); });
    Relation gone_rel = pg_guard([&] { return table_open(gone_oid, RowExclusiveLock); });
    CompareInput in;
    in.target = target_rel;
    in.changes = changes_rel;
    in.gone = gone_rel;
    ts.target_spec = copy_spec(pt, target_rel, false, OnError::Stop, 0);
    // the columns written: those SQLite's columns fill (a column PostgreSQL added keeps its value,
    // or gets its default), not the ones PostgreSQL generates
    ts.columns.clear();
    TupleDesc target_desc = RelationGetDescr(target_rel);
    for (int i = 0; i < ts.target_spec.ncolumns; ++i)
      if (ts.target_spec.inserted[i])
        ts.columns.push_back(quote_.ident(NameStr(TupleDescAttr(target_desc, ts.target_spec.attnums[i] - 1)->attname)));
    CopySpec changes_spec = ts.changes_spec;  // with capture, it reads only the logged rows
    in.target_spec = &ts.target_spec;
    in.changes_spec = &changes_spec;
    in.nkeys = static_cast<int>(ts.keys.size());
    in.target_keys = ts.key_attnums;
    in.changes_keys = ts.changes_keys;
    in.state = ts.state = {source_.path, palloc_string(plan_.schema), palloc_string(pt.pg_name)};
    in.overwrite = request_.overwrite;
    in.target_name = palloc_string(target(t));
    in.db = db_->handle();
    in.server = &source_.server;
    in.capture = nullptr;
    in.ahead = ahead;
    CaptureRead capture{};
    const char *whole_table = changes_spec.select_sql;
    std::string why_full = capture_plan(t, &capture, &changes_spec, &in);
    ts.few = in.capture != nullptr;
    few_rows(t, [&] { ts.compared = pg_guard([&] { return compare_table(in); }); });
    if (ts.compared.escaped) {
      why_full = ts.compared.had_state ? "its SQLite row count is not the one the change log explains"
                                       : "no state to take the rows not logged from";
      for (const std::string *table : {&ts.changes, &ts.gone}) spi_write("DELETE FROM " + *table);
      changes_spec.select_sql = whole_table;
      in.capture = nullptr;
      ts.compared = pg_guard([&] { return compare_table(in); });
    }
    ts.incremental = only_sync_writes(target_oid);
    int64 changed = ts.compared.inserts + ts.compared.updates + ts.compared.deletes;
    ts.few = static_cast<double>(changed) < 0.05 * std::max<double>(target_rel->rd_rel->reltuples, 0);
    pg_guard([&] {
      table_close(gone_rel, NoLock);
      table_close(changes_rel, NoLock);
      table_close(target_rel, NoLock);
    });
    std::vector<std::string> notes = ts.index_notes;
    if (!ts.compared.had_state)
      notes.push_back("no state from the migration: PostgreSQL's rows were taken as the last sync left them");
    if (in.capture && ts.keys.empty())
      notes.push_back("capture: nothing logged, not read");
    else if (in.capture)
      notes.push_back("capture: read the " + std::to_string(ts.compared.logged) + " logged keys");
    else if (!why_full.empty())
      notes.push_back("read in full: " + why_full);
    if (ts.compared.rejected > 0)
      notes.push_back(std::to_string(ts.compared.rejected) + (ts.compared.rejected == 1 ? " SQLite row" : " SQLite rows") +
                      " rejected (hangar.rejects, run_id " + std::to_string(sync_run_id_) +
                      "); PostgreSQL keeps the version it has");
    report->detail = join(notes, "; ");
  }

  // What the copy needs to skip converting rows unchanged since the last sync: where the key
  // columns are, and the seed of the raw hashes (raw_hash_seed).
  void set_raw_comparison(CopySpec *spec, TupleDesc desc, const AttrNumber *keys, int nkeys) {
    int *key_columns = palloc_items<int>(static_cast<size_t>(nkeys));
    for (int i = 0; i < spec->ncolumns; ++i)
      for (int k = 0; k < nkeys; ++k)
        if (spec->attnums[i] == keys[k]) key_columns[k] = i;
    spec->key_columns = key_columns;
    spec->nkey_columns = nkeys;
    spec->raw_seed = raw_hash_seed(*spec, desc, source_.server);
    spec->hash_raw = true;
  }

  // The target attribute of a SQLite column of table pt.
  AttrNumber target_attnum(const PlannedTable &pt, const std::string &sqlite_column) {
    for (const PlannedColumn &c : pt.columns)
      if (c.sqlite_name == sqlite_column) {
        Oid relid = target_relid(plan_, pt);
        const char *name = palloc_string(c.pg_name);
        return pg_guard([&] { return get_attnum(relid, name); });
      }
    throw Error("42703", "SQLite column \"" + sqlite_column + "\" of table \"" + pt.sqlite_name + "\" was not migrated");
  }

  // With the change log on, sets in->capture to read only the logged rows of table t, unless
  // that cannot be trusted: then why the table is read in full ("" when capture is off). A
  // table whose target has no primary key is not read at all when nothing was logged for it,
  // and read in full otherwise.
  std::string capture_plan(size_t t, CaptureRead *capture, CopySpec *changes_spec, CompareInput *in) {
    const PlannedTable &pt = plan_.tables[t];
    if (upto_ < 0) return "";
    if (applied_ < 0) return "the first sync since capture started";
    if (!capture_triggers_present(db_->handle(), pt.sqlite_name))
      return "its capture triggers are gone (was the table rebuilt? run hangar_capture_start again)";
    capture->count_sql = palloc_string("SELECT count(*) FROM " + quote_sqlite_identifier(pt.sqlite_name));
    if (tables_.at(t).keys.empty()) {
      if (request_.on_error == OnError::Reject) return "in reject mode its rows are checked for orphans";
      int64_t logged = db_->query_int64(captured_count_sql(pt.sqlite_name, applied_, upto_));
      if (logged > 0)
        return std::to_string(logged) + (logged == 1 ? " change was" : " changes were") +
               " logged, and its target has no primary key to find them by";
      capture->logged_spec = nullptr;  // nothing logged: the state is what both sides hold
      in->capture = capture;
      return "";
    }
    std::vector<std::string> keys = sqlite_primary_key(db_->handle(), pt.sqlite_name);
    std::vector<std::string> names;
    for (const PlannedColumn &c : pt.columns) names.push_back(c.sqlite_name);
    changes_spec->select_sql =
        palloc_string(select_sql(pt.sqlite_name, names, pt.rowid_name, {captured_rows_condition(pt.sqlite_name, keys, applied_, upto_)}));
    // the log's keys (in SQLite's key order), converted to their target columns' types, read into
    // nothing
    CopySpec *spec = palloc_items<CopySpec>(1);
    int n = static_cast<int>(keys.size());
    spec->sqlite_table = kCaptureLog;
    spec->select_sql = palloc_string(captured_keys_sql(pt.sqlite_name, keys.size(), applied_, upto_));
    spec->ncolumns = n;
    spec->sqlite_columns = palloc_items<const char *>(keys.size());
    spec->attnums = palloc_items<AttrNumber>(keys.size());
    spec->inserted = palloc_items<bool>(keys.size());
    for (int i = 0; i < n; ++i) {
      spec->sqlite_columns[i] = palloc_string(capture_key_column(i));
      spec->attnums[i] = target_attnum(pt, keys[static_cast<size_t>(i)]);
      spec->inserted[i] = true;
    }
    spec->insert = false;
    spec->on_error = request_.on_error;
    spec->run_id = sync_run_id_;
    capture->logged_spec = spec;
    in->capture = capture;
    return "";
  }

  // Deletes the change-log entries a committed sync applied, in a short write of its own before
  // this sync's snapshot, when the caller may write the file. Best effort, waiting at most
  // kClearWaitMs for the file's lock: an entry left is applied again, which changes nothing.
  void clear_applied_log_entries() {
    if (applied_ <= 0) return;
    bool may_write = pg_guard([] { return has_privs_of_role(GetUserId(), ROLE_PG_WRITE_SERVER_FILES); });
    if (!may_write) return;
    try {
      Database::OpenOptions options;
      options.read_only = false;
      options.busy_timeout_ms = kClearWaitMs;
      Database file(source_.path, options);
      if (capture_log_present(file.handle()))
        file.exec(std::string("DELETE FROM ") + kCaptureLog + " WHERE seq <= " + std::to_string(applied_));
    } catch (const Error &) {
    }
  }

  // Writes every table: updates and inserts parents first, then deletes children first, so a
  // child can move to a new parent before its old one goes. Should that meet a unique key or
  // exclusion constraint (a row deleted and another inserted with its value, as SQLite's INSERT
  // OR REPLACE does, or a table keyed by hash changing a row, which is a delete and an insert), it is
  // undone and done again deleting first, children first, unless a foreign key's action would
  // then change rows the sync has yet to write.
  void write_all(const std::vector<std::pair<size_t, size_t>> &synced, std::vector<SyncReport> *reports) {
    ErrorData *error = in_subtransaction([&] {
      ErrorData *failed = nullptr;
      bool other = false;
      try {
        write_in_order(synced, reports, false);
      } catch (const PgError &e) {
        failed = e.data();
      } catch (...) {
        other = true;
      }
      if (failed) ReThrowError(failed);
      if (other) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("hangar_sync failed writing its rows")));
    });
    if (!error) return;
    // an exclusion constraint using hash keeps a key over values btree cannot hold (hangar_migrate)
    bool unique = error->sqlerrcode == ERRCODE_UNIQUE_VIOLATION || error->sqlerrcode == ERRCODE_EXCLUSION_VIOLATION;
    if (!unique || fk_actions_in_schema()) ReThrowError(error);
    for (const auto &[t, r] : synced) tables_.at(t).stored = TableChecksum();
    write_in_order(synced, reports, true);
  }

  void write_in_order(const std::vector<std::pair<size_t, size_t>> &synced, std::vector<SyncReport> *reports,
                      bool deletes_first) {
    auto deletes = [&] {
      for (auto it = synced.rbegin(); it != synced.rend(); ++it)
        time(&(*reports)[it->second], [&] { few_rows(it->first, [&] { delete_rows(it->first, &(*reports)[it->second]); }); });
    };
    if (deletes_first) deletes();
    for (const auto &[t, r] : synced) time(&(*reports)[r], [&] { few_rows(t, [&] { write_rows(t, &(*reports)[r]); }); });
    if (!deletes_first) deletes();
  }

  // Reject mode: the rows that would be left without their parent once written are rejected, as
  // hangar_migrate rejects orphans (sync_orphans.cpp), and each table's detail says how many.
  void reject_orphans(const std::vector<std::pair<size_t, size_t>> &synced, std::vector<SyncReport> *reports) {
    std::vector<OrphanTable> tables(plan_.tables.size());
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      const PlannedTable &pt = plan_.tables[t];
      OrphanTable &o = tables[t];
      o.sqlite_name = pt.sqlite_name;
      o.target = target(t);
      o.target_relid = target_relid(plan_, pt);
      if (pt.rowid_alias >= 0) o.rowid_column = palloc_string(pt.columns[static_cast<size_t>(pt.rowid_alias)].pg_name);
      auto found = tables_.find(t);
      if (found == tables_.end()) continue;
      TableSync &ts = found->second;
      o.changes = ts.changes;
      o.gone = ts.gone;
      o.changes_relid = ts.changes_oid;
      o.keys = ts.keys;
      o.target_keys = ts.key_attnums;
      o.changes_keys = ts.changes_keys;
      o.nkeys = static_cast<int>(ts.keys.size());
      o.target_attnums = ts.target_spec.attnums;
      o.changes_attnums = ts.changes_spec.attnums;
      o.ncolumns = ts.target_spec.ncolumns;
      o.state = ts.state;
      o.compared = &ts.compared;
    }
    std::vector<OrphanForeignKey> keys;
    for (size_t t = 0; t < plan_.tables.size(); ++t)
      for (const PlannedForeignKey &fk : plan_.tables[t].foreign_keys) {
        if (!OidIsValid(tables[t].target_relid) || !OidIsValid(tables[fk.parent].target_relid)) continue;
        OrphanForeignKey o;
        o.child = t;
        o.parent = fk.parent;
        o.label = fk.label;
        for (size_t c : fk.columns) {
          const PlannedColumn &pc = plan_.tables[t].columns[c];
          o.child_columns.push_back(quote_.ident(pc.pg_name));
          o.child_names.push_back(pc.pg_name);
          o.child_sqlite_columns.push_back(pc.sqlite_name);
        }
        for (size_t c : fk.parent_columns) o.parent_columns.push_back(quote_.ident(plan_.tables[fk.parent].columns[c].pg_name));
        keys.push_back(std::move(o));
      }
    pg_guard([&] { reject_sync_orphans(&tables, &keys, sync_run_id_); });
    for (const OrphanForeignKey &fk : keys) {
      if (fk.rejected == 0) continue;
      for (const auto &[t, r] : synced)
        if (t == fk.child) {
          std::string &detail = (*reports)[r].detail;
          detail += std::string(detail.empty() ? "" : "; ") + std::to_string(fk.rejected) +
                    (fk.rejected == 1 ? " row" : " rows") + " rejected by " + fk.label + ": no parent row in \"" +
                    plan_.tables[fk.parent].sqlite_name + "\" once written (hangar.rejects, run_id " +
                    std::to_string(sync_run_id_) + ")";
        }
    }
  }

  bool fk_actions_in_schema() {
    return first_value(spi_text_rows("SELECT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
                                     "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = " + quote_.literal(plan_.schema) + " AND "
                                     "c.contype = 'f' AND (c.confdeltype NOT IN ('a', 'r') OR c.confupdtype NOT IN ('a', 'r')))",
                                     false)) == "t";
  }

  void delete_rows(size_t t, SyncReport *report) {
    const TableSync &ts = tables_.at(t);
    report->rows_deleted = ts.compared.deletes == 0
                               ? 0
                               : spi_write("DELETE FROM " + target(t) + " t USING " + ts.gone + " s WHERE " + key_match(t));
  }

  // Updates and inserts from the comparison's rows. When they are few and only this sync writes
  // the table, they return what they stored, which verification adds to the rows they left alone.
  void write_rows(size_t t, SyncReport *report) {
    TableSync &ts = tables_.at(t);
    std::string list = join(ts.columns, ", ");
    int64 rows = ts.compared.inserts + ts.compared.updates;
    if (rows > 0 && !ts.few) spi_write("ANALYZE " + ts.changes);  // few rows are joined by index whatever their count
    ts.returned = ts.incremental && rows <= kReturnedRows;
    std::string returning = ts.returned ? " RETURNING t.*" : "";
    report->rows_updated = ts.compared.updates == 0
                               ? 0
                               : write_returning(t, "UPDATE " + target(t) + " t SET (" + list + ") = " +
                                                        row_of("s", ts.columns) + " FROM " + ts.changes + " s WHERE " +
                                                        key_match(t) + returning);
    // changes holds the updates too, unless the table has no primary key (then no row is updated)
    std::string new_rows =
        ts.keys.empty() ? "" : " WHERE NOT EXISTS (SELECT 1 FROM " + target(t) + " t WHERE " + key_match(t) + ")";
    report->rows_inserted =
        ts.compared.inserts == 0
            ? 0
            : write_returning(t, "INSERT INTO " + target(t) + " AS t (" + list + ") SELECT " + list + " FROM " +
                                     ts.changes + " s" + new_rows + returning);
  }

  // Runs a statement that writes table t; the rows it wrote. What it returns is summed as the
  // rows the sync stored (ts.stored).
  int64 write_returning(size_t t, const std::string &sql) {
    TableSync &ts = tables_.at(t);
    const char *text = palloc_string(sql);
    Oid relid = target_relid(plan_, plan_.tables[t]);
    return pg_guard([&] {
      spi_run(text);
      int64 written = static_cast<int64>(SPI_processed);
      if (ts.returned) {
        Relation rel = table_open(relid, AccessShareLock);
        add_spi_rows(RelationGetDescr(rel), ts.target_spec.attnums, ts.target_spec.ncolumns, &ts.stored);
        table_close(rel, NoLock);
      }
      return written;
    });
  }

  // Whether only this sync's own statements can have changed the table since the comparison read
  // it (it has been locked against other writers since): no trigger or rule of the user's, and
  // no foreign key whose action changes it when a parent row goes. Also no dropped column, so
  // a row read back with SQL lines up with the table's attributes.
  bool only_sync_writes(Oid relid) {
    std::string r = std::to_string(relid);
    return first_value(spi_text_rows(
               "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = " + r + " AND attisdropped) "
               "AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = " + r + " AND NOT tgisinternal) "
               "AND NOT EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = " + r + ") "
               "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = " + r + " AND contype = 'f' "
               "AND (confdeltype NOT IN ('a', 'r') OR confupdtype NOT IN ('a', 'r')))",
               true)) == "t";
  }

  // Sequences, verification, and the temporary tables dropped (a second sync in the same
  // transaction makes them again). The target is verified against the rows SQLite gave: the
  // rows the comparison read and the sync left alone, plus the written rows as the writes
  // returned them or read back, or, when something else may have written to it
  // (only_sync_writes), a scan of the whole table.
  void finish_table(size_t t, SyncReport *report) {
    const TableSync &ts = tables_.at(t);
    for (const PlanStep &step : plan_.steps)
      if (step.phase == Phase::Sequences && step.table == static_cast<int>(t)) spi_write(step.sql);
    Oid relid = target_relid(plan_, plan_.tables[t]);
    const char *written = palloc_string("SELECT t.* FROM " + target(t) + " t WHERE EXISTS (SELECT 1 FROM " +
                                        ts.changes + " s WHERE " + key_match(t) + ")");
    bool any_written = ts.compared.inserts + ts.compared.updates > 0;
    const CopySpec &spec = ts.target_spec;
    TableChecksum now = pg_guard([&] {
      Relation rel = table_open(relid, AccessShareLock);
      TableChecksum checksum = ts.compared.untouched;
      TableChecksum written_rows = ts.stored;
      bool read_back = any_written && !ts.returned;
      // the rows written cannot be read back by key in a table without a primary key
      if (!ts.incremental || (read_back && ts.keys.empty())) {
        checksum = table_checksum(rel, spec.attnums, spec.ncolumns);
      } else {
        if (read_back) written_rows = query_checksum(written, RelationGetDescr(rel), spec.attnums, spec.ncolumns);
        checksum.rows += written_rows.rows;
        checksum.sum += written_rows.sum;
      }
      table_close(rel, NoLock);
      return checksum;
    });
    report->verified = now == ts.compared.expected ? 1 : 0;
    if (!report->verified)
      report->detail += std::string(report->detail.empty() ? "" : "; ") + "not verified: " +
                        std::to_string(ts.compared.expected.rows) + " rows expected, " + std::to_string(now.rows) +
                        " in the table" + (now.rows == ts.compared.expected.rows ? ", contents differ" : "");
    spi_write("DROP TABLE " + ts.changes + ", " + ts.gone);
  }

  const SyncRequest &request_;
  MigrationOptions options_;
  MigrationSource source_{};
  MigrationPlan plan_;
  Database *db_ = nullptr;
  std::string run_id_;
  std::map<std::string, std::string> migrated_tables_;  // the migration's CREATE TABLE, by table
  std::map<std::string, std::map<std::string, std::string>> migrated_indexes_;  // its CREATE INDEX, by table and name
  int64 sync_run_id_ = 0;
  int64 applied_ = -1;  // the change-log entries applied by the last committed sync (-1: none)
  int64 upto_ = -1;     // the last entry of the change log in this sync's snapshot (-1: no log)
  std::map<size_t, TableSync> tables_;
  PostgresQuoter quote_;
};

}  // namespace

std::vector<SyncReport> sync_migration(const SyncRequest &request) { return Sync(request).run(); }

}  // namespace hangar
