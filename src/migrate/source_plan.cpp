// Planning from the PostgreSQL zone: reads the SQLite catalog through the cached connection (so
// planning shares the call's snapshot), runs the pure C++ planner with PostgreSQL's own quoting,
// and turns a planned table into the palloc'd CopySpec the copy's hot loop reads.
#include "migrate/migrate.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "pgtime.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "core/hash64.hpp"
#include "core/migration_planner.hpp"
#include "core/sqlite_query.hpp"
#include "pg/quoting.hpp"

namespace hangar {

void build_plan(const MigrationSource &source, const MigrationOptions &options, MigrationPlan *plan) {
  Database *db = pg_guard([&] { return &connection_acquire(source.path, source.server.busy_timeout_ms); });
  PostgresQuoter quote;
  *plan = plan_migration(read_source_catalog(*db, options.fulltext_tables), options, quote);
}

Oid target_relid(const MigrationPlan &plan, const PlannedTable &table) {
  char *schema = palloc_string(plan.schema);
  char *name = palloc_string(table.pg_name);
  return pg_guard([&] {
    Oid nsp = get_namespace_oid(schema, true);
    return OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;
  });
}

CopySpec copy_spec(const PlannedTable &table, Relation rel, bool insert, OnError on_error, int64 run_id) {
  CopySpec spec;
  int n = static_cast<int>(table.columns.size());
  spec.sqlite_table = palloc_string(table.sqlite_name);
  spec.ncolumns = n;
  spec.has_rowid = !table.rowid_name.empty();
  int *naming_key = palloc_items<int>(table.primary_key.size() + 1);
  for (size_t k = 0; k < table.primary_key.size(); ++k) naming_key[k] = static_cast<int>(table.primary_key[k]);
  spec.naming_key = naming_key;
  spec.nnaming_key = spec.has_rowid ? 0 : static_cast<int>(table.primary_key.size());
  spec.insert = insert;
  spec.widen_columns = nullptr;
  spec.on_error = on_error;
  spec.run_id = run_id;
  spec.rowids = nullptr;
  spec.generated_failure = nullptr;
  spec.choose_row = nullptr;
  spec.rejected_row = nullptr;
  spec.row_stored = nullptr;
  spec.skip_unchanged = nullptr;
  spec.key_of = nullptr;
  spec.key_columns = nullptr;
  spec.nkey_columns = 0;
  spec.raw_seed = 0;
  spec.hash_raw = false;
  spec.row_arg = nullptr;
  spec.collect = nullptr;
  spec.collect_attnum = InvalidAttrNumber;
  spec.collect_type = InvalidOid;
  spec.nchecks = 0;
  spec.check_attnums = nullptr;
  spec.check_types = nullptr;
  spec.check_sets = nullptr;
  spec.missing = nullptr;
  spec.sqlite_columns = palloc_items<const char *>(static_cast<size_t>(n));
  spec.attnums = palloc_items<AttrNumber>(static_cast<size_t>(n));
  spec.inserted = palloc_items<bool>(static_cast<size_t>(n));
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    const PlannedColumn &pc = table.columns[static_cast<size_t>(i)];
    names.push_back(pc.sqlite_name);
    spec.sqlite_columns[i] = palloc_string(pc.sqlite_name);
    const char *pg_name = palloc_string(pc.pg_name);
    spec.attnums[i] = pg_guard([&] { return get_attnum(RelationGetRelid(rel), pg_name); });
    if (spec.attnums[i] == InvalidAttrNumber)
      throw Error("42703", "column \"" + pc.pg_name + "\" of relation \"" + table.pg_name + "\" does not exist",
                  "It would hold SQLite column \"" + pc.sqlite_name + "\".");
    // rel's own generated columns are PostgreSQL's to compute (hangar_sync's temporary table has
    // them as plain columns, which hold SQLite's values)
    spec.inserted[i] = TupleDescAttr(RelationGetDescr(rel), spec.attnums[i] - 1)->attgenerated == '\0';
  }
  spec.select_sql = palloc_string(select_sql(table.sqlite_name, names, table.rowid_name, {}));
  return spec;
}

uint64 raw_hash_seed(const CopySpec &spec, TupleDesc desc, const ServerOptions &server) {
  std::string conversion = "hangar_sync 1";
  for (int i = 0; i < spec.ncolumns; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, spec.attnums[i] - 1);
    conversion += " " + std::to_string(att->atttypid) + "/" + std::to_string(att->atttypmod);
  }
  if (server.timezone) conversion += std::string(" ") + pg_get_timezone_name(server.timezone);
  return hash64(conversion.data(), conversion.size(), 0);
}

}  // namespace hangar
