// Planner callbacks. The plan fetches only the columns the query needs (target list and local
// quals), always plus the rowid when the table has one so errors can name the row (and UPDATE and
// DELETE can find it). Integer comparisons and text equalities that mean the same go to SQLite
// (pushdown.cpp says which and why), and joins on the rowid get parameterized paths; every other
// qual runs in PostgreSQL. In a statement that writes a foreign table,
// every scan reads all its rows before the first write (see materialize_order).
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "access/sysattr.h"
#include "access/table.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "catalog/pg_aggregate.h"
#include "nodes/makefuncs.h"
#include "utils/fmgroids.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "fdw/pushdown.hpp"
#include "core/schema_reader.hpp"
#include "core/sqlite_query.hpp"

namespace hangar {

namespace {

// What GetForeignRelSize learns from SQLite, kept for GetForeignPlan in baserel->fdw_private.
struct RelPlanInfo {
  Oid relid;                  // the foreign table
  const char *sqlite_table;   // SQLite's spelling of the table name
  const char *rowid_name;     // "" when the table has no rowid
  const char *rowid_alias;    // the INTEGER PRIMARY KEY column, nullptr when none
  const char *sorting_key;    // an expression no index provides, to make SQLite sort (materialize_order)
  PushdownColumns columns;    // what pushdown needs of the SQLite column each attribute reads
  int ncolumns;
  char **sqlite_columns;      // SQLite's spelling of its column names
  int *affinities;            // each column's affinity (core Affinity)
  bool *binary_collation;     // whether it compares with BINARY (no declared collation)
  bool *generated;            // whether it is a generated column
  PushdownSplit pushdown;
};

constexpr Cost kStartupCost = 10.0;
constexpr Cost kPerRowCost = 0.02;
constexpr Cost kSortedPathFactor = 1.05;  // SQLite ordering the rows costs it a little more

// The foreign paths this FDW makes: no outer plan, no restrictinfos of its own, nothing disabled.
// PostgreSQL 17 added the fdw_restrictinfo argument, 18 disabled_nodes.
Path *foreign_scan_path(PlannerInfo *root, RelOptInfo *rel, double rows, Cost total, List *pathkeys,
                        Relids required_outer, List *fdw_private) {
  return reinterpret_cast<Path *>(create_foreignscan_path(root, rel, nullptr, rows,
#if PG_VERSION_NUM >= 180000
                                                          0,
#endif
                                                          kStartupCost, total, pathkeys, required_outer, nullptr,
#if PG_VERSION_NUM >= 170000
                                                          NIL,
#endif
                                                          fdw_private));
}

Path *foreign_upper_path(PlannerInfo *root, RelOptInfo *rel, PathTarget *target, double rows, Cost total) {
  return reinterpret_cast<Path *>(create_foreign_upper_path(root, rel, target, rows,
#if PG_VERSION_NUM >= 180000
                                                            0,
#endif
                                                            kStartupCost, total, NIL, nullptr,
#if PG_VERSION_NUM >= 170000
                                                            NIL,
#endif
                                                            NIL));
}

// SQLite's spelling of a column, matched case-insensitively as SQLite matches names.
const char *find_sqlite_column(const RelPlanInfo *info, const char *name) {
  for (int i = 0; i < info->ncolumns; ++i)
    if (pg_strcasecmp(info->sqlite_columns[i], name) == 0) return info->sqlite_columns[i];
  return nullptr;
}

// What pushdown needs of the SQLite column each attribute of the foreign table reads.
PushdownColumns pushdown_columns(Oid relid, const RelPlanInfo *info) {
  Relation rel = table_open(relid, NoLock);
  TupleDesc desc = RelationGetDescr(rel);
  PushdownColumn *by_attnum = static_cast<PushdownColumn *>(palloc0(sizeof(PushdownColumn) * (desc->natts + 1)));
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    const char *name = column_options(relid, att->attnum).column_name;
    for (int c = 0; c < info->ncolumns; ++c) {
      if (pg_strcasecmp(info->sqlite_columns[c], name) != 0 || info->generated[c]) continue;
      by_attnum[i].sqlite_name = info->sqlite_columns[c];
      by_attnum[i].affinity = info->affinities[c];
      by_attnum[i].binary_collation = info->binary_collation[c];
      by_attnum[i].rowid_alias = info->rowid_alias && strcmp(info->rowid_alias, info->sqlite_columns[c]) == 0;
    }
  }
  PushdownColumns result{desc->natts, by_attnum};
  table_close(rel, NoLock);
  return result;
}

// UPDATE and DELETE plan a scan of their target before PlanForeignModify runs; refuse a target
// that is not updatable here already, before the SQLite file is even opened.
void refuse_scan_of_write_target(PlannerInfo *root, RelOptInfo *baserel, Oid relid) {
  CmdType operation = root->parse->commandType;
  if ((operation == CMD_UPDATE || operation == CMD_DELETE) &&
      baserel->relid == static_cast<Index>(root->parse->resultRelation) &&
      !foreign_table_write_options(relid).updatable)
    refuse_not_updatable(relid, operation);
}

// A statement that writes a foreign table runs its writes on the connection its scans read, and
// SQLite does not promise what a running SELECT sees of the same connection's changes (an UPDATE
// that moves a row's rowid ahead could meet the row again). Such scans therefore sort their
// rows on an expression no index provides (unary plus keeps SQLite from using the rowid or key
// order it has; a view without either sorts on random()): SQLite's sorter reads every row before
// it returns the first.
// Whether the statement being planned writes (the top query: a scan may sit in a subquery).
bool statement_writes(PlannerInfo *root) {
  while (root->parent_root) root = root->parent_root;
  return root->parse->commandType != CMD_SELECT || root->parse->hasModifyingCTE;
}

const char *materialize_order(PlannerInfo *root, const RelPlanInfo *info) {
  Index result = static_cast<Index>(root->parse->resultRelation);
  if (result == 0 || planner_rt_fetch(result, root)->relkind != RELKIND_FOREIGN_TABLE) return "";
  return info->sorting_key;
}

// A join on the rowid alias (t.id = other.x, t.id < other.x, equalities the planner implies)
// also gets a path parameterized by the other relations: inside a nested loop, SQLite finds the
// matching rows of each outer row in its rowid b-tree instead of the whole table being read (or
// read again for every outer row, as a correlated subquery would).
void add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel, const RelPlanInfo *info) {
  List *done = NIL;  // the sets of outer relations already given a path (Relids)
  ListCell *cell;
  foreach (cell, rowid_join_clauses(root, baserel, info->columns)) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Relids outer = bms_union(bms_difference(rinfo->clause_relids, baserel->relids), baserel->lateral_relids);
    bool seen = bms_is_empty(outer);
    ListCell *other;
    foreach (other, done) seen = seen || bms_equal(static_cast<Relids>(lfirst(other)), outer);
    if (seen) continue;
    done = lappend(done, outer);
    ParamPathInfo *param_info = get_baserel_parampathinfo(root, baserel, outer);
    double rows = param_info->ppi_rows;
    Cost total = kStartupCost + rows * kPerRowCost + rows * cpu_tuple_cost;
    add_path(baserel, foreign_scan_path(root, baserel, rows, total, NIL, outer, NIL));
  }
}

// The SQLite text of the conditions a split ships.
std::vector<std::string> remote_conditions(const PushdownSplit &split) {
  std::vector<std::string> conditions;
  ListCell *cell;
  foreach (cell, split.remote_sql) conditions.push_back(strVal(lfirst(cell)));
  return conditions;
}

// What GetForeignUpperPaths leaves for the plan of a count(*) SQLite makes.
struct CountPlanInfo {
  const RelPlanInfo *base;
};

// count(*) of every row (no FILTER, DISTINCT or ORDER BY), which SQLite counts as PostgreSQL does.
bool is_count_star(Node *node) {
  if (!IsA(node, Aggref)) return false;
  Aggref *agg = reinterpret_cast<Aggref *>(node);
  return agg->aggfnoid == F_COUNT_ && agg->aggstar && !agg->aggfilter && !agg->aggdistinct && !agg->aggorder &&
         agg->aggkind == AGGKIND_NORMAL && agg->agglevelsup == 0 && agg->aggsplit == AGGSPLIT_SIMPLE;
}

// The scan of a count(*) SQLite makes: one row, each output column the count.
ForeignScan *count_plan(RelOptInfo *upper, List *tlist, Plan *outer_plan) {
  const RelPlanInfo *info = static_cast<const CountPlanInfo *>(upper->fdw_private)->base;
  List *scan_tlist = NIL;
  ListCell *cell;
  foreach (cell, upper->reltarget->exprs)
    scan_tlist = lappend(scan_tlist, makeTargetEntry(static_cast<Expr *>(copyObjectImpl(lfirst(cell))),
                                                     static_cast<AttrNumber>(list_length(scan_tlist) + 1), nullptr,
                                                     false));
  char *sql;
  {
    // C++ objects live only in this block; its only PostgreSQL call cannot raise.
    sql = palloc_string(count_sql(info->sqlite_table, remote_conditions(info->pushdown)));
  }
  List *fdw_private = list_make5(makeString(sql), NIL, makeInteger(0), makeString(psprintf("%u", info->relid)),
                                 makeInteger(list_length(scan_tlist)));
  return make_foreignscan(tlist, NIL, 0, info->pushdown.remote_values, fdw_private, scan_tlist, NIL, outer_plan);
}

}  // namespace

void hangarGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid) {
  pg_entry([&] {
    refuse_scan_of_write_target(root, baserel, foreigntableid);
    RelPlanInfo *info = static_cast<RelPlanInfo *>(palloc0(sizeof(RelPlanInfo)));
    info->relid = foreigntableid;
    const char *table_name = foreign_table_sqlite_name(foreigntableid);
    Database &db = connection_for_relation(foreigntableid, statement_writes(root));
    double rows;
    {
      // C++ objects live only in this block; its only PostgreSQL calls cannot raise.
      Table table = read_table(db, table_name);
      rows = estimate_rows(db, table);
      info->sqlite_table = palloc_string(table.name);
      info->rowid_name = palloc_string(table.rowid_name);
      std::string sorting_key = table.rowid_name.empty() ? "random()" : "+" + table.rowid_name;
      for (const Column &c : table.columns) {
        if (c.rowid_alias) info->rowid_alias = palloc_string(c.name);
        if (table.rowid_name.empty() && c.primary_key_position == 1) sorting_key = "+" + quote_sqlite_identifier(c.name);
      }
      info->sorting_key = palloc_string(sorting_key);
      info->ncolumns = static_cast<int>(table.columns.size());
      info->sqlite_columns = palloc_items<char *>(table.columns.size() + 1);
      info->affinities = palloc_items<int>(table.columns.size() + 1);
      info->binary_collation = palloc_items<bool>(table.columns.size() + 1);
      info->generated = palloc_items<bool>(table.columns.size() + 1);
      for (int i = 0; i < info->ncolumns; ++i) {
        const Column &c = table.columns[i];
        info->sqlite_columns[i] = palloc_string(c.name);
        info->affinities[i] = static_cast<int>(affinity_of(c.declared_type));
        info->binary_collation[i] = c.collation.empty();
        info->generated[i] = c.hidden >= 2;
      }
    }
    info->columns = pushdown_columns(foreigntableid, info);
    info->pushdown = split_conditions(root, baserel, baserel->baserestrictinfo, info->columns);
    baserel->fdw_private = info;
    baserel->tuples = rows;
    baserel->rows = clamp_row_est(rows * clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER, nullptr));
  });
}

void hangarGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid) {
  pg_entry([&] {
    // With conditions shipped, SQLite reads only the matching rows off its rowid b-tree.
    const RelPlanInfo *info = static_cast<const RelPlanInfo *>(baserel->fdw_private);
    double read_rows = info->pushdown.remote_conditions ? baserel->rows : baserel->tuples;
    Cost total = kStartupCost + read_rows * kPerRowCost + read_rows * cpu_tuple_cost;
    // A LATERAL reference makes the scan depend on the relations it names (lateral_relids): the
    // path must be parameterized by them, so the planner runs it inside a nested loop that
    // supplies their values, as postgres_fdw's paths are.
    add_path(baserel, foreign_scan_path(root, baserel, baserel->rows, total, NIL, baserel->lateral_relids, NIL));
    add_parameterized_paths(root, baserel, info);
    // A query on this table alone ordered by columns SQLite orders the same way: a path already
    // sorted, so a LIMIT above it reads only the first rows (from an index, where SQLite has one).
    if (bms_membership(root->all_baserels) == BMS_SINGLETON && !statement_writes(root))
      if (const char *order = shippable_order(baserel, root->query_pathkeys, info->columns))
        add_path(baserel, foreign_scan_path(root, baserel, baserel->rows, total * kSortedPathFactor,
                                            root->query_pathkeys, baserel->lateral_relids,
                                            list_make1(makeString(const_cast<char *>(order)))));
  });
}

ForeignScan *hangarGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid, ForeignPath *best_path,
                                  List *tlist, List *scan_clauses, Plan *outer_plan) {
  return pg_entry([&] {
    if (baserel->reloptkind == RELOPT_UPPER_REL) return count_plan(baserel, tlist, outer_plan);
    const RelPlanInfo *info = static_cast<const RelPlanInfo *>(baserel->fdw_private);
    // scan_clauses: the table's own conditions, and a parameterized path's join clauses
    PushdownSplit split = split_conditions(root, baserel, scan_clauses, info->columns);
    List *local_clauses = NIL;
    ListCell *cell;
    foreach (cell, scan_clauses) {
      RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
      if (rinfo->pseudoconstant || list_member_ptr(split.remote_conditions, rinfo)) continue;
      local_clauses = lappend(local_clauses, rinfo->clause);
    }

    Bitmapset *attrs = nullptr;
    pull_varattnos(reinterpret_cast<Node *>(baserel->reltarget->exprs), baserel->relid, &attrs);
    pull_varattnos(reinterpret_cast<Node *>(local_clauses), baserel->relid, &attrs);
    bool whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);

    Relation rel = table_open(foreigntableid, NoLock);
    TupleDesc desc = RelationGetDescr(rel);
    List *retrieved = NIL;
    int ncolumns = 0;
    const char **columns = static_cast<const char **>(palloc(sizeof(char *) * (desc->natts + 1)));
    for (int i = 0; i < desc->natts; ++i) {
      Form_pg_attribute att = TupleDescAttr(desc, i);
      if (att->attisdropped) continue;
      if (!whole_row && !bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, attrs)) continue;
      const char *name = column_options(foreigntableid, att->attnum).column_name;
      const char *sqlite_name = find_sqlite_column(info, name);
      if (!sqlite_name)
        ereport(ERROR, (errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
                        errmsg("SQLite table \"%s\" has no column \"%s\"", info->sqlite_table, name),
                        errdetail("Column \"%s\" of foreign table \"%s\" reads it.", NameStr(att->attname),
                                  RelationGetRelationName(rel)),
                        errhint("Set the column's column_name option to the SQLite column's name.")));
      columns[ncolumns++] = sqlite_name;
      retrieved = lappend_int(retrieved, att->attnum);
    }
    table_close(rel, NoLock);

    const char *order = best_path->fdw_private ? strVal(linitial(best_path->fdw_private)) : materialize_order(root, info);
    char *sql;
    {
      // C++ objects live only in this block; its only PostgreSQL call cannot raise.
      std::vector<std::string> names(columns, columns + ncolumns);
      sql = palloc_string(select_sql(info->sqlite_table, names, info->rowid_name, remote_conditions(split), order));
    }
    List *fdw_private = list_make5(makeString(sql), retrieved, makeInteger(info->rowid_name[0] != '\0'),
                                   makeString(psprintf("%u", info->relid)), makeInteger(0));
    return make_foreignscan(tlist, local_clauses, baserel->relid, split.remote_values, fdw_private, NIL,
                            NIL, outer_plan);
  });
}

// count(*) of one foreign table, with no GROUP BY, every condition shipped and nothing lateral:
// SQLite counts the rows (from its b-tree, without reading them) and the scan returns the count.
void hangarGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage, RelOptInfo *input_rel,
                                RelOptInfo *output_rel, void *extra) {
  pg_entry([&] {
    if (stage != UPPERREL_GROUP_AGG || !enable_pushdown || output_rel->fdw_private) return;
    if (input_rel->reloptkind != RELOPT_BASEREL || !input_rel->fdw_private || !bms_is_empty(input_rel->lateral_relids))
      return;
    Query *parse = root->parse;
    if (parse->groupClause || parse->groupingSets || parse->havingQual) return;
    GroupPathExtraData *group = static_cast<GroupPathExtraData *>(extra);
    if (group && group->patype != PARTITIONWISE_AGGREGATE_NONE) return;
    const RelPlanInfo *info = static_cast<const RelPlanInfo *>(input_rel->fdw_private);
    if (list_length(info->pushdown.remote_conditions) != list_length(input_rel->baserestrictinfo)) return;
    PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
    ListCell *cell;
    foreach (cell, target->exprs)
      if (!is_count_star(static_cast<Node *>(lfirst(cell)))) return;
    CountPlanInfo *count = static_cast<CountPlanInfo *>(palloc0(sizeof(CountPlanInfo)));
    count->base = info;
    output_rel->fdw_private = count;
    add_path(output_rel, foreign_upper_path(root, output_rel, target, 1.0, kStartupCost));
  });
}

}  // namespace hangar
