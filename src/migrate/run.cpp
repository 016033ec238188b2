// hangar_migrate(): runs a MigrationPlan in the caller's transaction (all or nothing) against
// one SQLite snapshot. Statements go through SPI; optional steps (defaults, checks, indexes,
// views) run in subtransactions so a failure is reported in the table's detail instead of
// aborting; the copy goes straight to the heap (copy.cpp). Foreign keys are added after the
// data: in stop mode an orphan row stops the migration with its SQLite rowid, in reject mode
// orphans are removed and recorded first. In stop mode a foreign key the plan checks during the
// copy (PlannedForeignKey::in_copy) is added to the child while it is empty, and the copy looks
// up every child row's key in the parent's key values, collected as the parent was copied
// (KeySet, within a quarter of the call's maintenance_work_mem for all sets at once); a parent
// whose keys do not fit leaves its foreign keys to be added after the data, as before. Verification compares the checksum computed while
// copying with a scan of each finished table. Index builds and foreign-key checks run with a
// bounded maintenance_work_mem (set_maintenance_for_call), so the backend's memory does not grow with
// the tables beyond it. In stop mode with verification, the copy also records hangar_sync's
// state (each row's key, content hash and raw hash); otherwise verification records it from the
// table. What was migrated is recorded in the extension's catalog (record.cpp) for hangar_export.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "utils/guc.h"
#include "access/twophase.h"
#include "storage/lock.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "pgtime.h"
}

#include "pg/error_bridge.hpp"
#include "core/join.hpp"
#include "core/migration_planner.hpp"
#include "core/pg_limits.hpp"
#include "core/type_names.hpp"
#include "migrate/bag_keys.hpp"
#include "migrate/sync_state.hpp"
#include "pg/quoting.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

namespace hangar {

static_assert(kMaxPgTableColumns == MaxHeapAttributeNumber, "the planner's column limit is the server's");
static_assert(kMaxPgKeyColumns == INDEX_MAX_KEYS, "the planner's key column limit is the server's");
static_assert(kMaxPgCharLength == MaxAttrSize, "the type map's character length limit is the server's");

namespace {

// maintenance_work_mem for the call when the session has PostgreSQL's built-in default (64MB):
// 1/16 of the machine's memory, at least the default and at most this ceiling (in kB). Index
// builds and foreign-key checks sort and hash within it; PostgreSQL shares it among the processes
// of a parallel index build (each gets at least 32MB, so 64MB allows no second process and 96MB
// two), and it bounds the backend's memory whatever the tables' size.
constexpr int kMaintenanceWorkMemCeilingKb = 256 * 1024;
constexpr int kMaintenanceWorkMemDefaultKb = 64 * 1024;

// The parallel workers an index build may take beside its leader when the session has
// PostgreSQL's built-in setting (`workers`): at most one less than the machine's CPUs, since the
// reader thread is done by then. More processes than CPUs made every build slower (on 2 CPUs,
// 2 workers cost about 0.15 s of a 3.6 s migration against 1 or none).
int parallel_index_workers(int workers, long cpus) {
  return cpus > 0 ? static_cast<int>(std::min<long>(workers, std::max<long>(cpus - 1, 0))) : workers;
}

// The share of the call's maintenance_work_mem that the parents' key sets may take together.
constexpr int kKeySetShare = 4;
// A key or unique index that meets duplicates in the copied rows: SQLite had them apart.
constexpr const char *kConvertedDuplicateHint =
    "SQLite keeps these values apart (an integer and its text, say, in a column without a type); converted to "
    "the column's type they are one. Read the column as a type that keeps them apart (column_types), make them "
    "distinct in SQLite, or run with on_error => 'reject' to keep the first row of each key.";

struct TableOutcome {
  bool copied = false;
  RowidMap *rowids = nullptr;     // rowids by ctid, for naming orphans of a table without a rowid column
  CopyResult copy;
  AttrNumber *attnums = nullptr;  // the copied SQLite columns' attributes (palloc'd)
  int nattnums = 0;
  // hangar_sync's state recorded during the copy under these key attributes (nullptr: not)
  const AttrNumber *state_keys = nullptr;
  int nstate_keys = 0;
  double seconds = 0;
  int verified = -1;
  bool view_created = false;  // a view, created and not dropped again
  std::vector<std::string> notes;
  // Columns the copy widened (SQLite integers beyond their type), by column index: the planned
  // type, and the note saying why the column has the type it has now.
  std::map<size_t, std::pair<std::string, std::string>> widened;
  // Columns not to widen again: of a foreign key, where only an integer can match its other side.
  std::set<size_t> kept_type;
};

// "1 row", "2 rows".
std::string row_count(int64 n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

// hangar_sync's state written as a table is copied: each stored row's key, content hash and raw
// hash.
struct StateRecording {
  StateWriter *writer;
  const AttrNumber *keys;
  int nkeys;
};

void record_stored_row(void *arg, TupleDesc desc, const Datum *values, const bool *nulls, uint64 hash, uint64 raw) {
  StateRecording *r = static_cast<StateRecording *>(arg);
  r->writer->add(row_key(desc, r->keys, r->nkeys, values, nulls), hash, raw);
}

std::string join_notes(const std::vector<std::string> &a, const std::vector<std::string> &b) {
  std::string out;
  for (const auto *list : {&a, &b})
    for (const std::string &n : *list) out += (out.empty() ? "" : "; ") + n;
  return out;
}

class MigrationRun {
 public:
  MigrationRun(const MigrationRequest &request) : request_(request) {}

  std::vector<ReportRow> run(int64 *run_id) {
    source_ = pg_guard([&] { return resolve_source(request_.source); });
    pg_guard([] { require_current_state_tables(); });
    run_id_ = pg_guard([] { return next_run_id(); });
    *run_id = run_id_;
    build_plan(source_, *request_.options, &plan_);
    check_targets_absent();
    check_lock_budget(relations_created(plan_), plan_.tables.size());
    db_ = pg_guard([&] { return connection_acquire(source_.path, source_.server.busy_timeout_ms).handle(); });
    outcomes_.resize(plan_.tables.size());
    int maintenance_level = set_maintenance_for_call();
    copies_budget_ = pg_guard([] { return static_cast<Size>(maintenance_work_mem) * 1024; });
    prepare_key_sets();
    const char *schema = palloc_string(plan_.schema);
    pg_guard([&] { forget_sync_state(source_.path, schema); });  // the copy may record the new state
    for (const PlanStep &step : plan_.steps) {
      if (after_the_data(step)) add_deferred_foreign_keys();
      execute(step);
    }
    add_deferred_foreign_keys();
    for (KeySet *set : key_sets_)
      if (set) pg_guard([&] { key_set_free(set); });
    pg_guard([&] { AtEOXact_GUC(true, maintenance_level); });
    // hangar_sync's starting point: with change capture on in this snapshot, the first sync
    // applies the whole log (again, for what the snapshot already holds); otherwise it reads
    // every row.
    int64 capture_from = capture_log_present(db_) ? 0 : -1;
    pg_guard([&] { record_sync(source_.path, schema, capture_from); });
    if (request_.verify) verify();
    log_time("record", -1, seconds_of([&] { record_migration(db_, run_id_, source_.path, plan_); }));
    for (TableOutcome &out : outcomes_)
      if (out.rowids) pg_guard([&] { rowid_map_close(out.rowids); });
    return report();
  }

 private:
  std::string qualified(const PlannedTable &t) { return quote_.qualified(plan_.schema, t.pg_name); }

  void check_targets_absent() {
    if (plan_.schema == "hangar")
      throw Error("42939", "target schema \"hangar\" is reserved for hangar_fdw's own bookkeeping", "",
                  "Choose another target_schema.");
    for (const PlannedTable &t : plan_.tables)
      if (OidIsValid(target_relid(plan_, t)))
        throw Error("42P07", "relation " + qualified(t) + " already exists",
                    "hangar_migrate creates every table and view it migrates.",
                    "Drop the existing tables or choose another target_schema.");
  }

  // Every relation the migration creates stays locked until commit, in the lock table all
  // sessions share. Refuse early what would fill more than half of it: beyond that, other
  // sessions on the cluster fail with "out of shared memory" while the migration runs.
  static void check_lock_budget(size_t relations, size_t tables) {
    long capacity = static_cast<long>(max_locks_per_xact) * (MaxBackends + max_prepared_xacts);
    if (static_cast<long>(relations) <= capacity / 2) return;
    long needed = (2 * static_cast<long>(relations)) / (MaxBackends + max_prepared_xacts) + 1;
    throw Error("53400",
                "a migration of " + std::to_string(tables) + " tables and views would hold about " +
                    std::to_string(relations) + " locks, more than half of the shared lock table (" +
                    std::to_string(capacity) + ")",
                "PostgreSQL keeps a lock on every relation created in a transaction until it ends.",
                "Raise max_locks_per_transaction to at least " + std::to_string(needed) +
                    " (it takes a server restart), then run the migration again.");
  }

  bool schema_exists() {
    const char *schema = palloc_string(plan_.schema);
    return pg_guard([&] { return OidIsValid(get_namespace_oid(schema, true)); });
  }

  Relation open(int table, LOCKMODE lock) {
    Oid relid = target_relid(plan_, plan_.tables[static_cast<size_t>(table)]);
    return pg_guard([&] { return table_open(relid, lock); });
  }

  void execute(const PlanStep &step) {
    count_time(step, seconds_of([&] { run_step(step); }));
  }

  void run_step(const PlanStep &step) {
    switch (step.phase) {
      case Phase::Schema:
        if (!schema_exists()) pg_guard([&] { spi_run(step.sql.c_str()); });
        break;
      case Phase::Copy:
        copy(step.table);
        break;
      case Phase::Views:
        if (!optional(step)) break;
        outcomes_[static_cast<size_t>(step.table)].view_created = true;
        if (request_.verify_view_rows > 0) compare_view_rows(static_cast<size_t>(step.table));
        break;
      case Phase::ForeignKeys:
        if (fk_of(step).in_copy) {
          add_before_copy(step);
          break;
        }
        if (request_.on_error == OnError::Reject && !orphans_removed_) remove_orphans();
        foreign_key(step);
        break;
      case Phase::Keys:
      case Phase::Indexes:
        if (!step.hash_fallback.empty() && made_or_by_hash(step)) break;
        // the rows came from a SQLite key or unique index: its values were distinct there
        if (step.optional)
          optional(step);
        else if (request_.on_error == OnError::Reject)
          key_rejecting_duplicates(step);
        else
          pg_guard([&] { spi_run_with_hint(step.sql.c_str(), ERRCODE_UNIQUE_VIOLATION, kConvertedDuplicateHint); });
        break;
      default:
        if (step.optional)
          optional(step);
        else
          pg_guard([&] { spi_run(step.sql.c_str()); });
    }
  }

  // A step's time, added to its table's and logged.
  void count_time(const PlanStep &step, double seconds) {
    if (step.table >= 0) outcomes_[static_cast<size_t>(step.table)].seconds += seconds;
    log_time(phase_name(step.phase), step.table, seconds);
  }

  // Each step's time at DEBUG1, for measuring where a migration spends it.
  void log_time(const char *what, int table, double seconds) {
    const char *name = table >= 0 ? palloc_string(plan_.tables[static_cast<size_t>(table)].sqlite_name) : "";
    pg_guard([&] { log_step_time("hangar_migrate", what, name, seconds); });
  }

  const PlannedForeignKey &fk_of(const PlanStep &step) const {
    return plan_.tables[static_cast<size_t>(step.table)].foreign_keys[static_cast<size_t>(step.foreign_key)];
  }

  // Counts, for each parent, the foreign keys the plan checks during their child's copy; the
  // budget is a share of maintenance_work_mem as set for the call.
  void prepare_key_sets() {
    size_t n = plan_.tables.size();
    key_sets_.assign(n, nullptr);
    key_set_users_.assign(n, 0);
    key_column_.assign(n, -1);
    checks_.assign(n, {});
    key_memory_ = CurrentMemoryContext;
    key_budget_ = pg_guard([] { return static_cast<Size>(maintenance_work_mem) * 1024 / kKeySetShare; });
    for (const PlannedTable &pt : plan_.tables)
      for (const PlannedForeignKey &fk : pt.foreign_keys)
        if (fk.in_copy) {
          key_set_users_[fk.parent]++;
          key_column_[fk.parent] = static_cast<int>(fk.parent_columns[0]);
        }
  }

  // Whether a step comes after every copy, where a foreign key the copy could not check is added.
  bool after_the_data(const PlanStep &step) const {
    return (step.phase == Phase::ForeignKeys && !fk_of(step).in_copy) || step.phase == Phase::Sequences ||
           step.phase == Phase::Views;
  }

  // The attribute type of a planned column in the target table: int2, int4, int8 or other.
  Oid column_type(int table, size_t column) {
    Relation rel = open(table, AccessShareLock);
    const char *name = palloc_string(plan_.tables[static_cast<size_t>(table)].columns[column].pg_name);
    return pg_guard([&] {
      AttrNumber a = get_attnum(RelationGetRelid(rel), name);
      Oid type = a == InvalidAttrNumber ? InvalidOid : TupleDescAttr(RelationGetDescr(rel), a - 1)->atttypid;
      table_close(rel, NoLock);
      return type;
    });
  }

  static bool integer_type(Oid type) { return type == INT2OID || type == INT4OID || type == INT8OID; }

  // A foreign key checked during the copy is added now, to the empty child (PostgreSQL's check
  // of no rows is instant), when the parent's key values are all in its set; otherwise it waits
  // until after the data, as every other foreign key.
  void add_before_copy(const PlanStep &step) {
    const PlannedForeignKey &fk = fk_of(step);
    size_t t = static_cast<size_t>(step.table);
    const KeySet *set = key_sets_[fk.parent];
    bool usable = set && set->finished && !set->abandoned &&
                  integer_type(column_type(step.table, fk.columns[0]));
    if (!usable) {
      deferred_.push_back(&step);
      release_key_set(fk.parent);
      const char *label = palloc_string(fk.label);
      const char *child = palloc_string(plan_.tables[t].sqlite_name);
      pg_guard([&] {
        elog(DEBUG1, "hangar_migrate: %s of \"%s\" is checked after the copy: the parent's keys are not in memory",
             label, child);
      });
      return;
    }
    foreign_key(step);
    checks_[t].push_back(step.foreign_key);
  }

  // The foreign keys that wait for the data, added where the plan's other foreign keys are.
  void add_deferred_foreign_keys() {
    for (const PlanStep *step : deferred_) count_time(*step, seconds_of([&] { foreign_key(*step); }));
    deferred_.clear();
  }

  // One fewer child needs the parent's set; the last frees it.
  void release_key_set(size_t parent) {
    if (key_set_users_[parent] > 0 && --key_set_users_[parent] == 0 && key_sets_[parent])
      pg_guard([&] { key_set_free(key_sets_[parent]); });
  }

  // Sets up spec to collect table's key values and check the foreign keys added before its copy.
  void add_key_checks(int table, Relation rel, CopySpec *spec) {
    size_t t = static_cast<size_t>(table);
    const PlannedTable &pt = plan_.tables[t];
    if (key_set_users_[t] > 0 && key_column_[t] >= 0) {
      AttrNumber a = spec->attnums[key_column_[t]];
      Oid type = pg_guard([&] { return TupleDescAttr(RelationGetDescr(rel), a - 1)->atttypid; });
      if (integer_type(type)) {
        if (!key_sets_[t]) key_sets_[t] = pg_guard([&] { return key_set_create(key_memory_, &key_budget_); });
        pg_guard([&] { key_set_reset(key_sets_[t]); });
        spec->collect = key_sets_[t];
        spec->collect_attnum = a;
        spec->collect_type = type;
      }
    }
    int n = static_cast<int>(checks_[t].size());
    if (n == 0) return;
    spec->nchecks = n;
    spec->check_attnums = palloc_items<AttrNumber>(static_cast<size_t>(n));
    spec->check_types = palloc_items<Oid>(static_cast<size_t>(n));
    spec->check_sets = palloc_items<const KeySet *>(static_cast<size_t>(n));
    spec->missing = palloc_items<int64>(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
      const PlannedForeignKey &fk = pt.foreign_keys[static_cast<size_t>(checks_[t][static_cast<size_t>(k)])];
      AttrNumber a = spec->attnums[fk.columns[0]];
      spec->check_attnums[k] = a;
      spec->check_types[k] = pg_guard([&] { return TupleDescAttr(RelationGetDescr(rel), a - 1)->atttypid; });
      spec->check_sets[k] = key_sets_[fk.parent];
      spec->missing[k] = 0;
    }
  }

  // After the copy: the parent's set made ready for lookups, the sets this child used released,
  // and a miss raised as the foreign key's error, naming the orphans as after the data.
  void finish_key_checks(int table, const CopySpec &spec) {
    size_t t = static_cast<size_t>(table);
    if (spec.collect) {
      pg_guard([&] { key_set_finish(spec.collect); });
      const KeySet *set = spec.collect;
      const char *name = palloc_string(plan_.tables[t].sqlite_name);
      pg_guard([&] {
        if (set->abandoned)
          elog(DEBUG1, "hangar_migrate: keys of \"%s\" not kept for checking foreign keys: they need more than a "
               "quarter of maintenance_work_mem", name);
        else
          elog(DEBUG1, "hangar_migrate: keys of \"%s\" for checking foreign keys: %zu values, %s of %zu bytes", name,
               set->count, set->bits ? "a bitmap" : "a sorted array", set->charged);
      });
    }
    for (int k = 0; k < spec.nchecks; ++k) {
      size_t f = static_cast<size_t>(checks_[t][static_cast<size_t>(k)]);
      if (spec.missing[k] > 0) {
        OrphanQuery q = orphan_query(t, f);
        pg_guard([&] { raise_orphans(q); });
      }
      release_key_set(plan_.tables[t].foreign_keys[f].parent);
    }
  }

  // A table with generated columns is copied in a subtransaction: should PostgreSQL compute a
  // generated value differently from the one SQLite stored, the attempt is rolled back, the
  // column becomes a plain column holding SQLite's values, and the table is copied again.
  void copy(int table) {
    PlannedTable &pt = plan_.tables[static_cast<size_t>(table)];
    TableOutcome &out = outcomes_[static_cast<size_t>(table)];
    CopySpec spec;
    for (;;) {
      Relation rel = open(table, RowExclusiveLock);
      spec = copy_spec(pt, rel, true, request_.on_error, run_id_);
      bool *widens = palloc_items<bool>(pt.columns.size());
      for (size_t c = 0; c < pt.columns.size(); ++c) widens[c] = !pt.columns[c].type_given && !out.kept_type.count(c);
      spec.widen_columns = widens;
      add_key_checks(table, rel, &spec);
      if (out.rowids) pg_guard([&] { rowid_map_close(out.rowids); });
      out.rowids = nullptr;
      // Orphans, and in reject mode rows of converted duplicate keys, are named by their SQLite
      // rowid: kept aside when no column holds it.
      if (names_rows_after_copy(table) && pt.rowid_alias < 0 && !pt.rowid_name.empty())
        spec.rowids = out.rowids = pg_guard([] { return rowid_map_create(); });
      bool generated = false;
      for (const PlannedColumn &pc : pt.columns) generated = generated || pc.generated;
      char *failure = nullptr;  // PostgreSQL could not compute the generated columns of some row
      if (generated) spec.generated_failure = &failure;
      StateRecording *state = records_state(pt, generated) ? start_state(table, rel, &spec) : nullptr;
      double writing_in_copy = 0;  // the state's chunks written while the copy was timed
      pg_guard([&] {
        if (!generated) {
          out.copy = copy_table(db_, spec, rel, source_.server);
          if (state) {
            writing_in_copy = state->writer->seconds_writing();
            state->writer->finish();
          }
        } else {
          ErrorData *error = in_subtransaction([&] {
            out.copy = copy_table(db_, spec, rel, source_.server);
            if (out.copy.generated_mismatch >= 0) elog(ERROR, "generated column differs: the attempt is rolled back");
          });
          if (error && out.copy.generated_mismatch < 0 && !(failure && is_value_error(error->sqlerrcode)))
            ReThrowError(error);
        }
        table_close(rel, NoLock);
      });
      if (state) {
        out.state_keys = state->keys;
        out.nstate_keys = state->nkeys;
        // copy_seconds is the copy's own time; writing the state is counted in the table's seconds
        // (its last chunk, written after the copy, was never in copy_seconds: a small table's
        // copy time went negative)
        out.copy.seconds -= writing_in_copy;
        log_time("state", table, state->writer->seconds_writing());
      }
      if (out.copy.widen_column >= 0) {
        widen(table, out.copy);
        continue;
      }
      if (out.copy.generated_mismatch < 0 && !failure) break;
      // The differing column, or when computing failed every generated column, becomes plain.
      for (size_t c = 0; c < pt.columns.size(); ++c) {
        PlannedColumn &pc = pt.columns[c];
        if (!pc.generated || (!failure && static_cast<int>(c) != out.copy.generated_mismatch)) continue;
        make_plain(table, pc, failure ? failure : out.copy.mismatch);
      }
      out.copy.generated_mismatch = -1;
    }
    out.copied = true;
    for (const auto &[column, widened] : out.widened) out.notes.push_back(widened.second);
    if (out.copy.rows_rejected > 0)
      out.notes.push_back(row_count(out.copy.rows_rejected) +
                          " rejected: a value does not convert exactly (see hangar.rejects, run_id " +
                          std::to_string(run_id_) + ")");
    for (int k = 0; k < kNotedConversions; ++k) {
      const CopyResult::NotedValues &noted = out.copy.noted[k];
      if (noted.count == 0) continue;
      const PlannedColumn &pc = pt.columns[static_cast<size_t>(noted.column)];
      std::string values = std::to_string(noted.count) + (noted.count == 1 ? " value" : " values");
      std::string first = " (the first: column \"" + pc.sqlite_name + "\" " + pc.pg_type + ", " + noted.row + ", " +
                          noted.text + ")";
      if (static_cast<NotedConversion>(k + 1) == NotedConversion::Rounded)
        out.notes.push_back(values + " with more fractional seconds than the column's declared precision rounded to "
                            "it, as PostgreSQL's input rounds" + first);
      else
        out.notes.push_back(values + " stored as numbers in SQLite arrive in bytea as the bytes of their text, as "
                            "SQLite's CAST(v AS BLOB) gives them: no longer told apart from a blob of those bytes" +
                            first);
    }
    out.attnums = spec.attnums;
    out.nattnums = spec.ncolumns;
    const char *name = spec.sqlite_table;
    double seconds = out.copy.seconds;
    int64 rows = out.copy.rows_copied, rejected = out.copy.rows_rejected;
    pg_guard([&] {
      ereport(NOTICE, (errmsg_plural("table \"%s\": copied " INT64_FORMAT " row (" INT64_FORMAT " rejected) in %.2f s, %.0f rows/s",
                                     "table \"%s\": copied " INT64_FORMAT " rows (" INT64_FORMAT " rejected) in %.2f s, %.0f rows/s",
                                     static_cast<unsigned long>(rows), name, rows, rejected, seconds,
                                     seconds > 0 ? rows / seconds : 0.0)));
    });
    finish_key_checks(table, spec);
  }

  // A SQLite value its column's type cannot hold but a wider one can: what the copy stored goes,
  // with the rows it rejected (the table is new in this transaction, so TRUNCATE empties it in
  // place), and the column becomes the type that holds it; the caller copies again. An integer
  // too large for smallint or integer (SQLite's integers are 64-bit whatever the declared type)
  // gets the smallest integer type holding it (a key with a sequence is never widened here: the
  // plan gave it a type holding every id SQLite used); a time with a zone in a timestamp makes it
  // timestamptz, where the column's times without a zone are read in the timezone option's zone.
  // A REAL with a fraction (or beyond bigint) in an integer column makes it double precision,
  // and an integer a double cannot hold in such a column then numeric, which holds both exactly;
  // not a column of a foreign key, whose values only match as integers: the next copy fails on
  // (or rejects) such a value as an orphan would be.
  void widen(int table, const CopyResult &copy) {
    PlannedTable &pt = plan_.tables[static_cast<size_t>(table)];
    size_t c = static_cast<size_t>(copy.widen_column);
    PlannedColumn &pc = pt.columns[c];
    TableOutcome &out = outcomes_[static_cast<size_t>(table)];
    bool fractional = copy.widen_to == Widening::Float || copy.widen_to == Widening::Numeric;
    if (fractional && in_foreign_key(static_cast<size_t>(table), c)) {
      out.kept_type.insert(c);
    } else {
      bool fits_integer = copy.widen_value >= PG_INT32_MIN && copy.widen_value <= PG_INT32_MAX;
      std::string type = copy.widen_to == Widening::Zone      ? with_time_zone(pc.pg_type)
                         : copy.widen_to == Widening::Float   ? "double precision"
                         : copy.widen_to == Widening::Numeric ? "numeric"
                         : fits_integer                       ? "integer"
                                                              : "bigint";
      auto &[planned_type, note] = out.widened.try_emplace(c, pc.pg_type, "").first->second;
      note = "column \"" + pc.sqlite_name + "\" is " + type + ", not " + planned_type + ": " + copy.widen_row + " holds " +
             copy.widen_text + widening_reason(copy.widen_to);
      pc.pg_type = type;
      std::string name = qualified(pt), column = quote_.ident(pc.pg_name);
      make_readers_plain(table, c);
      const char *change = palloc_string("ALTER TABLE " + name + " ALTER COLUMN " + column + " TYPE " + type);
      pg_guard([&] { spi_run(change); });
    }
    const char *empty = palloc_string("TRUNCATE " + qualified(pt));
    pg_guard([&] { spi_run(empty); });
    if (copy.rows_rejected > 0) {
      const char *forget = palloc_string("DELETE FROM hangar.rejects WHERE run_id = " + std::to_string(run_id_) +
                                         " AND table_name = " + quote_.literal(pt.sqlite_name));
      pg_guard([&] { spi_run_as_bookkeeping_owner("rejects", forget); });
    }
  }

  // Generated column pc of table becomes a plain column holding SQLite's values, and the report
  // says why.
  void make_plain(int table, PlannedColumn &pc, const std::string &why) {
    pc.generated = false;
    outcomes_[static_cast<size_t>(table)].notes.push_back("generated column \"" + pc.sqlite_name +
                                                          "\" is copied as a plain column: " + why);
    const char *sql = palloc_string("ALTER TABLE " + qualified(plan_.tables[static_cast<size_t>(table)]) +
                                    " ALTER COLUMN " + quote_.ident(pc.pg_name) + " DROP EXPRESSION");
    pg_guard([&] { spi_run(sql); });
  }

  // PostgreSQL alters no column a generated column computes from: those become plain columns,
  // holding SQLite's values, before column c of table is widened.
  void make_readers_plain(int table, size_t c) {
    PlannedTable &pt = plan_.tables[static_cast<size_t>(table)];
    Oid relid = pg_guard([&] { return target_relid(plan_, pt); });
    const char *column = palloc_string(pt.columns[c].pg_name);
    AttrNumber attnum = pg_guard([&] { return get_attnum(relid, column); });
    std::vector<TextRow> readers =
        spi_text_rows("SELECT g.attname FROM pg_catalog.pg_attribute g WHERE g.attrelid = " + std::to_string(relid) +
                          " AND g.attgenerated <> '' AND EXISTS (SELECT FROM pg_catalog.pg_depend d LEFT JOIN "
                          "pg_catalog.pg_attrdef ad ON d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = ad.oid "
                          "WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = g.attrelid AND "
                          "d.refobjsubid = " + std::to_string(attnum) + " AND ((ad.adrelid = g.attrelid AND ad.adnum = "
                          "g.attnum) OR (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = g.attrelid AND "
                          "d.objsubid = g.attnum)))",
                      false);
    for (const TextRow &r : readers) {
      for (PlannedColumn &g : pt.columns) {
        if (!g.generated || g.pg_name != *r[0]) continue;
        make_plain(table, g, "it computes from column \"" + pt.columns[c].sqlite_name +
                                 "\", whose type changed, which PostgreSQL allows only for plain columns");
      }
    }
  }

  std::string widening_reason(Widening widening) const {
    switch (widening) {
      case Widening::Zone: return " (a time with a zone: its times without one are read as " + timezone_name() + ")";
      case Widening::Float:
        return " (a REAL SQLite keeps as one in an INTEGER column: not a whole number, or at or past the ends of its "
               "64-bit integers)";
      case Widening::Numeric: return " (an integer a double cannot hold exactly, beside REALs)";
      default: return " (SQLite's integers are 64-bit)";
    }
  }

  // Whether column c of table t is a column of a foreign key, on either side.
  bool in_foreign_key(size_t t, size_t c) const {
    for (size_t o = 0; o < plan_.tables.size(); ++o)
      for (const PlannedForeignKey &fk : plan_.tables[o].foreign_keys) {
        if (o == t && std::find(fk.columns.begin(), fk.columns.end(), c) != fk.columns.end()) return true;
        if (fk.parent == t && std::find(fk.parent_columns.begin(), fk.parent_columns.end(), c) != fk.parent_columns.end())
          return true;
      }
    return false;
  }

  // The zone a timestamptz column reads SQLite's times without a zone in: the server's timezone
  // option, else UTC.
  std::string timezone_name() const {
    return source_.server.timezone ? pg_get_timezone_name(source_.server.timezone) : "UTC";
  }

  // Whether the copy records hangar_sync's state as it stores the rows, so that the state knows
  // each row's raw hash (the first sync then converts only what changed): when verification
  // will show the table holds exactly the rows stored (verify, stop mode: no row is removed
  // after the copy, no generated column to copy again), and the table gets a primary key.
  // Otherwise verification records the state from the table, without raw hashes.
  bool records_state(const PlannedTable &pt, bool generated) const {
    return request_.verify && request_.on_error == OnError::Stop && !generated && !pt.primary_key.empty();
  }

  StateTable state_table(size_t t) {
    return {source_.path, palloc_string(plan_.schema), palloc_string(plan_.tables[t].pg_name)};
  }

  // Sets up spec to record the table's state as its rows are stored.
  StateRecording *start_state(int table, Relation rel, CopySpec *spec) {
    const PlannedTable &pt = plan_.tables[static_cast<size_t>(table)];
    StateRecording *r = palloc_items<StateRecording>(1);
    AttrNumber *keys = palloc_items<AttrNumber>(pt.primary_key.size());
    for (size_t k = 0; k < pt.primary_key.size(); ++k) keys[k] = spec->attnums[pt.primary_key[k]];
    r->keys = keys;
    r->nkeys = static_cast<int>(pt.primary_key.size());
    StateTable st = state_table(static_cast<size_t>(table));
    r->writer = pg_guard([&] { return new (palloc(sizeof(StateWriter))) StateWriter(st, StateWriter::Replace); });
    spec->raw_seed = raw_hash_seed(*spec, RelationGetDescr(rel), source_.server);
    spec->hash_raw = true;
    spec->row_stored = record_stored_row;
    spec->row_arg = r;
    return r;
  }

  // Whether rel's primary key is on exactly these attributes, in this order.
  static bool primary_key_is(Relation rel, const AttrNumber *keys, int nkeys) {
    int n;
    AttrNumber *actual = primary_key_attnums(rel, &n);
    return actual && n == nkeys && memcmp(actual, keys, sizeof(AttrNumber) * static_cast<size_t>(n)) == 0;
  }

  // Runs an optional step; false (and a note) when it failed for a reason about its own SQL.
  bool optional(const PlanStep &step) {
    ErrorData *error = pg_guard([&] { return spi_run_optional(step.sql.c_str()); });
    if (!error) return true;
    std::string note = step.what + " not created: " + error->message;
    if (step.phase == Phase::Views && error->sqlerrcode == ERRCODE_UNDEFINED_TABLE)
      for (size_t v : dropped_views_)
        if (step.sql.find(qualified(plan_.tables[v])) != std::string::npos)
          note = step.what + " not created: it reads view \"" + plan_.tables[v].sqlite_name +
                 "\", which differed from SQLite's and was dropped (see its own row)";
    if (step.table >= 0)
      outcomes_[static_cast<size_t>(step.table)].notes.push_back(note);
    else
      plan_.notes.push_back(note);
    return false;
  }

  // A key or index that may meet a value larger than a btree entry holds (SQLite's b-tree
  // indexes any size): made as planned, else, when the btree failed on such a value (SQLSTATE
  // 54000), by hash (PlanStep::hash_fallback), and reported. False when it failed for another
  // reason: the step's own handling runs it again and deals with that.
  bool made_or_by_hash(const PlanStep &step) {
    ErrorData *error = pg_guard([&] { return spi_run_optional(step.sql.c_str()); });
    if (!error) return true;
    if (error->sqlerrcode != ERRCODE_PROGRAM_LIMIT_EXCEEDED) return false;
    const PlannedTable &pt = plan_.tables[static_cast<size_t>(step.table)];
    std::string what = step.what;
    if (what.empty()) {
      std::vector<std::string> names;
      for (size_t c : step.key_columns) names.push_back(pt.columns[c].sqlite_name);
      what = (step.primary_key ? "primary key (" : "unique constraint (") + join(names, ", ") + ")";
    }
    ErrorData *by_hash = pg_guard([&] { return spi_run_optional(step.hash_fallback.c_str()); });
    if (by_hash && !step.optional) throw PgError(error);
    TableOutcome &out = outcomes_[static_cast<size_t>(step.table)];
    bool unique = step.hash_fallback.find(" EXCLUDE USING hash ") != std::string::npos;
    if (by_hash)
      out.notes.push_back(what + " not created: " + error->message + "; by hash neither: " + by_hash->message);
    else if (!unique)
      out.notes.push_back(what + " is a hash index (it serves equality only): " + error->message);
    else
      out.notes.push_back(what + " is an exclusion constraint using hash, which keeps the uniqueness but no foreign key "
                          "can reference: " + error->message);
    if (!by_hash && unique) keys_by_hash_.push_back(static_cast<size_t>(step.table));
    return true;
  }

  // A created view whose rows differ from the SQLite view's is dropped again, and reported.
  void compare_view_rows(size_t v) {
    const PlannedTable &pv = plan_.tables[v];
    TableOutcome &out = outcomes_[v];
    int64 limit = request_.verify_view_rows;
    ViewComparison c = compare_view(db_, plan_, pv, limit, source_.server);
    switch (c.outcome) {
      case ViewComparison::Same:
        out.verified = 1;
        break;
      case ViewComparison::TooManyRows:
        out.notes.push_back("not compared with SQLite's: it has more than " + row_count(limit) + " (verify_view_rows)");
        break;
      case ViewComparison::Differs: {
        const char *drop = palloc_string("DROP VIEW " + qualified(pv));
        pg_guard([&] { spi_run(drop); });
        dropped_views_.push_back(v);
        out.view_created = false;
        out.verified = 0;
        out.notes.push_back("view not created: its rows differ from SQLite's (" + std::to_string(c.sqlite_rows) +
                            " rows in SQLite, " + std::to_string(c.pg_rows) + " in PostgreSQL" +
                            (c.unconverted ? ", " + row_count(c.unconverted) + " not converting to its column types"
                                           : c.sqlite_rows == c.pg_rows ? ", contents differ" : "") + ")");
        break;
      }
    }
  }

  void foreign_key(const PlanStep &step) {
    ErrorData *error = pg_guard([&] { return spi_run_optional(step.sql.c_str()); });
    if (!error) return;
    const PlannedForeignKey &fk = fk_of(step);
    if (error->sqlerrcode == ERRCODE_DATATYPE_MISMATCH) {  // types the planner could not foresee
      outcomes_[static_cast<size_t>(step.table)].notes.push_back(fk.label + " not created: " + error->message +
                                                                 (error->detail ? std::string(" (") + error->detail + ")" : ""));
      return;
    }
    if (error->sqlerrcode == ERRCODE_INVALID_FOREIGN_KEY &&
        std::find(keys_by_hash_.begin(), keys_by_hash_.end(), fk.parent) != keys_by_hash_.end()) {
      outcomes_[static_cast<size_t>(step.table)].notes.push_back(
          fk.label + " not created: its parent's key is an exclusion constraint using hash (see \"" +
          plan_.tables[fk.parent].sqlite_name + "\"): " + error->message);
      return;
    }
    if (error->sqlerrcode == ERRCODE_FOREIGN_KEY_VIOLATION && request_.on_error == OnError::Stop) {
      OrphanQuery q = orphan_query(static_cast<size_t>(step.table), static_cast<size_t>(step.foreign_key));
      pg_guard([&] { raise_orphans(q); });
    }
    throw PgError(error);
  }

  // Removes orphans until none are left: a removed parent can orphan its children in turn.
  void remove_orphans() {
    orphans_removed_ = true;
    std::vector<std::vector<int64>> removed(plan_.tables.size());
    for (size_t t = 0; t < plan_.tables.size(); ++t) removed[t].assign(plan_.tables[t].foreign_keys.size(), 0);
    for (bool again = true; again;) {
      again = false;
      for (size_t t = 0; t < plan_.tables.size(); ++t)
        for (size_t f = 0; f < plan_.tables[t].foreign_keys.size(); ++f) {
          int64 n = reject_orphans_of(t, f);
          removed[t][f] += n;
          again = again || n > 0;
        }
    }
    for (size_t t = 0; t < plan_.tables.size(); ++t)
      for (size_t f = 0; f < removed[t].size(); ++f) {
        if (removed[t][f] == 0) continue;
        const PlannedForeignKey &fk = plan_.tables[t].foreign_keys[f];
        outcomes_[t].notes.push_back(row_count(removed[t][f]) + " rejected by " + fk.label + ": no parent row in \"" +
                                     plan_.tables[fk.parent].sqlite_name + "\"");
      }
  }

  int64 reject_orphans_of(size_t t, size_t f) {
    TableOutcome &out = outcomes_[t];
    OrphanQuery q = orphan_query(t, f);
    Relation rel = open(static_cast<int>(t), RowExclusiveLock);
    int64 n = pg_guard([&] {
      int64 count = reject_orphans(db_, q, run_id_, rel, out.attnums, out.nattnums, &out.copy.source);
      table_close(rel, NoLock);
      return count;
    });
    out.copy.rows_copied -= n;
    out.copy.rows_rejected += n;
    return n;
  }

  // Whether checks after the copy may name rows of a table: its orphans, or in reject mode the
  // rows its keys reject.
  bool names_rows_after_copy(int table) const {
    if (!plan_.tables[static_cast<size_t>(table)].foreign_keys.empty()) return true;
    if (request_.on_error != OnError::Reject) return false;
    for (const PlanStep &step : plan_.steps)
      if (step.phase == Phase::Keys && step.table == table && !step.key_columns.empty()) return true;
    return false;
  }

  CopiedRows copied_rows(size_t t) {
    const PlannedTable &pt = plan_.tables[t];
    CopiedRows rows;
    rows.table = palloc_string(qualified(pt));
    rows.sqlite_name = palloc_string(pt.sqlite_name);
    rows.rowid_alias = pt.rowid_alias < 0 ? nullptr : palloc_string(pt.columns[static_cast<size_t>(pt.rowid_alias)].pg_name);
    rows.rowids = outcomes_[t].rowids;
    return rows;
  }

  // Adds a key in reject mode: should converted values make two keys one, every row but the
  // first of each is rejected and the key added again.
  void key_rejecting_duplicates(const PlanStep &step) {
    ErrorData *error = pg_guard([&] { return spi_run_optional(step.sql.c_str()); });
    if (!error) return;
    if (error->sqlerrcode != ERRCODE_UNIQUE_VIOLATION || step.key_columns.empty()) throw PgError(error);
    size_t t = static_cast<size_t>(step.table);
    const PlannedTable &pt = plan_.tables[t];
    TableOutcome &out = outcomes_[t];
    DuplicateQuery q;
    q.rows = copied_rows(t);
    q.ncolumns = static_cast<int>(step.key_columns.size());
    q.columns = palloc_items<const char *>(step.key_columns.size());
    q.sqlite_columns = palloc_items<const char *>(step.key_columns.size());
    std::string names;
    for (size_t i = 0; i < step.key_columns.size(); ++i) {
      const PlannedColumn &c = pt.columns[step.key_columns[i]];
      q.columns[i] = palloc_string(c.pg_name);
      q.sqlite_columns[i] = palloc_string(c.sqlite_name);
      names += (i ? ", " : "") + c.sqlite_name;
    }
    std::string label = (step.primary_key ? "primary key (" : "unique (") + names + ")";
    q.label = palloc_string(label);
    Relation rel = open(step.table, RowExclusiveLock);
    int64 n = pg_guard([&] {
      int64 count = reject_duplicates(q, run_id_, rel, out.attnums, out.nattnums, &out.copy.source);
      table_close(rel, NoLock);
      return count;
    });
    out.copy.rows_copied -= n;
    out.copy.rows_rejected += n;
    out.notes.push_back(row_count(n) + " rejected by " + label +
                        ": converted to the column types, their key equals an earlier row's");
    pg_guard([&] { spi_run_with_hint(step.sql.c_str(), ERRCODE_UNIQUE_VIOLATION, kConvertedDuplicateHint); });
  }

  OrphanQuery orphan_query(size_t t, size_t f) {
    const PlannedTable &child = plan_.tables[t];
    const PlannedForeignKey &fk = child.foreign_keys[f];
    const PlannedTable &parent = plan_.tables[fk.parent];
    OrphanQuery q;
    int n = static_cast<int>(fk.columns.size());
    q.label = palloc_string(fk.label);
    q.child = copied_rows(t);
    q.parent_table = palloc_string(qualified(parent));
    q.parent_sqlite = palloc_string(parent.sqlite_name);
    q.ncolumns = n;
    const char ***lists[] = {&q.child_columns, &q.parent_columns, &q.child_sqlite_columns, &q.parent_sqlite_columns};
    for (const char ***list : lists) *list = palloc_items<const char *>(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      const PlannedColumn &c = child.columns[fk.columns[static_cast<size_t>(i)]];
      const PlannedColumn &p = parent.columns[fk.parent_columns[static_cast<size_t>(i)]];
      q.child_columns[i] = palloc_string(c.pg_name);
      q.parent_columns[i] = palloc_string(p.pg_name);
      q.child_sqlite_columns[i] = palloc_string(c.sqlite_name);
      q.parent_sqlite_columns[i] = palloc_string(p.sqlite_name);
    }
    return q;
  }

  // Honours a maintenance_work_mem the session has from anywhere (postgresql.conf, ALTER ROLE or
  // DATABASE, SET); raises PostgreSQL's built-in default for the call (kMaintenanceWorkMemCeilingKb).
  // Likewise lowers a built-in max_parallel_maintenance_workers to one less than the machine's
  // CPUs (parallel_index_workers). Returns the GUC nest level to restore.
  static int set_maintenance_for_call() {
    std::vector<TextRow> rows = spi_text_rows(
        "SELECT name FROM pg_catalog.pg_settings WHERE source = 'default' AND name IN "
        "('maintenance_work_mem', 'max_parallel_maintenance_workers')",
        true);
    auto built_in = [&](const char *name) {
      for (const TextRow &r : rows)
        if (r[0] && *r[0] == name) return true;
      return false;
    };
    int kb = pg_guard([] { return maintenance_work_mem; });
    if (built_in("maintenance_work_mem")) {
      long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
      long ram_kb = pages > 0 && page_size > 0 ? pages / 1024 * page_size : 0;
      kb = static_cast<int>(std::clamp<long>(ram_kb / 16, kMaintenanceWorkMemDefaultKb, kMaintenanceWorkMemCeilingKb));
    }
    int workers = pg_guard([] { return max_parallel_maintenance_workers; });
    if (built_in("max_parallel_maintenance_workers")) workers = parallel_index_workers(workers, sysconf(_SC_NPROCESSORS_ONLN));
    std::string memory = std::to_string(kb) + "kB", processes = std::to_string(workers);
    return pg_guard([&] {
      return set_config_for_call(
          {{"maintenance_work_mem", memory.c_str()}, {"max_parallel_maintenance_workers", processes.c_str()}});
    });
  }

  // Compares each copied table with the rows read from SQLite, and leaves its rows' keys and
  // hashes for hangar_sync (hangar.sync_state) when the copy did not.
  void verify() {
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      TableOutcome &out = outcomes_[t];
      if (!out.copied) continue;
      instr_time start;
      INSTR_TIME_SET_CURRENT(start);
      Relation rel = open(static_cast<int>(t), AccessShareLock);
      TableChecksum target;
      StateTable state = state_table(t);
      pg_guard([&] {
        if (out.state_keys && primary_key_is(rel, out.state_keys, out.nstate_keys)) {
          target = table_checksum(rel, out.attnums, out.nattnums);
        } else {
          if (out.state_keys) StateWriter(state, StateWriter::Replace).finish();  // recorded under another key
          // a table without a primary key has its copies counted when that fits the call's
          // maintenance_work_mem
          bool count_copies = static_cast<Size>(out.copy.source.rows) * kBagKeysBytesPerContent <= copies_budget_;
          target = checksum_recording_state(rel, out.attnums, out.nattnums, state, count_copies);
        }
        table_close(rel, NoLock);
      });
      out.verified = target == out.copy.source ? 1 : 0;
      if (!out.verified) {
        std::string what = std::to_string(out.copy.source.rows) + " rows copied, " + std::to_string(target.rows) +
                           " in the table" + (target.rows == out.copy.source.rows ? ", contents differ" : "");
        // In stop mode every table must arrive exactly; a difference is the migration's failure.
        if (request_.on_error == OnError::Stop)
          throw Error("22000", "table " + qualified(plan_.tables[t]) + " does not verify after the copy: " + what,
                      "Its content checksum differs from the rows read from SQLite table \"" +
                          plan_.tables[t].sqlite_name + "\".",
                      "Run hangar_migrate with verify => false to keep the tables and compare them yourself.");
        out.notes.push_back("verification failed: " + what);
      }
      double seconds = seconds_since(start);
      out.seconds += seconds;
      log_time("verify", static_cast<int>(t), seconds);
    }
  }

  std::vector<ReportRow> report() {
    std::vector<ReportRow> rows;
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      const PlannedTable &pt = plan_.tables[t];
      const TableOutcome &out = outcomes_[t];
      ReportRow row;
      row.table_name = pt.sqlite_name;
      row.target_table = qualified(pt);
      row.has_counts = out.copied;
      row.rows = out.copy.rows_copied;
      row.other_rows = out.copy.rows_rejected;
      row.verified = out.verified;
      row.copy_seconds = out.copied ? out.copy.seconds : -1;
      row.seconds = out.seconds;
      row.detail = join_notes(pt.notes, out.notes);
      // a created view's notes (its triggers, say) follow the news that it was created
      if (out.view_created) row.detail = row.detail.empty() ? "view created" : "view created; " + row.detail;
      rows.push_back(std::move(row));
    }
    for (const SkippedTable &skipped : plan_.skipped) {
      ReportRow row;
      row.table_name = skipped.name;
      row.detail = "skipped: " + skipped.reason;
      rows.push_back(std::move(row));
    }
    for (const std::string &note : plan_.notes) {
      ReportRow row;
      row.detail = note;
      rows.push_back(std::move(row));
    }
    return rows;
  }

  const MigrationRequest &request_;
  MigrationSource source_{};
  int64 run_id_ = 0;
  MigrationPlan plan_;
  sqlite3 *db_ = nullptr;
  std::vector<TableOutcome> outcomes_;
  bool orphans_removed_ = false;
  std::vector<size_t> dropped_views_;  // views created and dropped again: their rows differed
  std::vector<size_t> keys_by_hash_;   // tables with a key made as an exclusion constraint using hash
  // Foreign keys checked during the copy: each parent's key set (by table), how many planned
  // checks still need it, its key column, the foreign keys each child checks as it is copied,
  // the budget left for all sets, and the foreign keys left to after the data.
  std::vector<KeySet *> key_sets_;
  std::vector<int> key_set_users_;
  std::vector<int> key_column_;
  std::vector<std::vector<int>> checks_;
  MemoryContext key_memory_ = nullptr;
  Size key_budget_ = 0;
  std::vector<const PlanStep *> deferred_;
  Size copies_budget_ = 0;  // the call's maintenance_work_mem, in bytes: what verification may take
                            // to count the copies of a keyless table's rows for its state
  PostgresQuoter quote_;
};

}  // namespace

std::vector<ReportRow> run_migration(const MigrationRequest &request, int64 *run_id) {
  return MigrationRun(request).run(run_id);
}

}  // namespace hangar
