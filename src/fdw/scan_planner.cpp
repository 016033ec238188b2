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
#include "optimizer/tlist.h"
#include "nodes/makefuncs.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "fdw/pushdown.hpp"
#include "fdw/table_facts.hpp"
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
  bool *leads_index;          // whether it is the first column of an index SQLite can search
  bool *never_null;           // whether SQLite never stores NULL in it
  bool utf8;                  // the file stores text in UTF-8
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

Path *foreign_join_path(PlannerInfo *root, RelOptInfo *rel, double rows, Cost total) {
  return reinterpret_cast<Path *>(create_foreign_join_path(root, rel, nullptr, rows,
#if PG_VERSION_NUM >= 180000
                                                           0,
#endif
                                                           kStartupCost, total, NIL, nullptr, nullptr,
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

// The SQLite column an attribute of the foreign table reads; raises when the table has none.
const char *retrieved_sqlite_column(const RelPlanInfo *info, AttrNumber attnum) {
  const char *name = column_options(info->relid, attnum).column_name;
  const char *sqlite_name = find_sqlite_column(info, name);
  if (!sqlite_name)
    ereport(ERROR, (errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
                    errmsg("SQLite table \"%s\" has no column \"%s\"", info->sqlite_table, name),
                    errdetail("Column \"%s\" of foreign table \"%s\" reads it.", get_attname(info->relid, attnum, false),
                              get_rel_name(info->relid)),
                    errhint("Set the column's column_name option to the SQLite column's name.")));
  return sqlite_name;
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
      by_attnum[i].indexed = by_attnum[i].rowid_alias || info->leads_index[c];
      by_attnum[i].never_null = info->never_null[c];
    }
  }
  PushdownColumns result{desc->natts, by_attnum, info->utf8};
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

// A join on a column SQLite can compare (t.id = other.x, t.code = other.code, t.id < other.x,
// equalities the planner implies) also gets a path parameterized by the other relations: inside a
// nested loop, SQLite finds the matching rows of each outer row, in its rowid b-tree or an index
// when the column leads one, instead of the whole table being read (or read again for every
// outer row, as a correlated subquery would). Without an index each outer row costs a full read,
// and the path is costed so.
struct OuterRels {
  Relids outer;
  bool indexed;  // some clause it supplies compares a column SQLite has an index on
};

void add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel, const RelPlanInfo *info) {
  List *sets = NIL;  // OuterRels, palloc'd (PostgreSQL calls below may raise)
  ListCell *cell;
  foreach (cell, join_clauses(root, baserel, info->columns)) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Relids outer = bms_union(bms_difference(rinfo->clause_relids, baserel->relids), baserel->lateral_relids);
    if (bms_is_empty(outer)) continue;
    bool indexed = compared_column(root, baserel, rinfo->clause, info->columns)->indexed;
    OuterRels *found = nullptr;
    ListCell *other;
    foreach (other, sets)
      if (bms_equal(static_cast<OuterRels *>(lfirst(other))->outer, outer)) found = static_cast<OuterRels *>(lfirst(other));
    if (!found) {
      found = static_cast<OuterRels *>(palloc0(sizeof(OuterRels)));
      found->outer = outer;
      sets = lappend(sets, found);
    }
    found->indexed = found->indexed || indexed;
  }
  foreach (cell, sets) {
    const OuterRels *set = static_cast<const OuterRels *>(lfirst(cell));
    ParamPathInfo *param_info = get_baserel_parampathinfo(root, baserel, set->outer);
    double rows = param_info->ppi_rows;
    double read_rows = set->indexed ? rows : baserel->tuples;
    Cost total = kStartupCost + read_rows * kPerRowCost + rows * cpu_tuple_cost;
    add_path(baserel, foreign_scan_path(root, baserel, rows, total, NIL, set->outer, NIL));
  }
}

// A sorted path's fdw_private: its ShippedOrder as three Strings ("" for nullptr).
List *order_private(const ShippedOrder &order) {
  return list_make3(makeString(const_cast<char *>(order.order)),
                    makeString(const_cast<char *>(order.exact_order ? order.exact_order : "")),
                    makeString(const_cast<char *>(order.blob_probe ? order.blob_probe : "")));
}

ShippedOrder order_from_private(List *fdw_private) {
  const char *exact_order = strVal(lsecond(fdw_private));
  const char *blob_probe = strVal(lthird(fdw_private));
  return {strVal(linitial(fdw_private)), exact_order[0] ? exact_order : nullptr, blob_probe[0] ? blob_probe : nullptr};
}

// The SQLite text of the conditions a split ships.
std::vector<std::string> remote_conditions(const PushdownSplit &split) {
  std::vector<std::string> conditions;
  ListCell *cell;
  foreach (cell, split.remote_sql) conditions.push_back(strVal(lfirst(cell)));
  return conditions;
}

// What GetForeignUpperPaths leaves for the plan of an aggregation SQLite makes.
struct AggregatePlanInfo {
  const RelPlanInfo *base;
  ShippedAggregation shipped;
};

std::vector<std::string> string_values(List *strings) {
  std::vector<std::string> values;
  ListCell *cell;
  foreach (cell, strings) values.push_back(strVal(lfirst(cell)));
  return values;
}

// The scan of an aggregation SQLite makes: one row per group, its columns the upper target's.
ForeignScan *aggregate_plan(RelOptInfo *upper, List *tlist, Plan *outer_plan) {
  const AggregatePlanInfo *aggregate = static_cast<const AggregatePlanInfo *>(upper->fdw_private);
  const RelPlanInfo *info = aggregate->base;
  const ShippedAggregation &shipped = aggregate->shipped;
  List *scan_tlist = NIL;
  ListCell *cell;
  foreach (cell, upper->reltarget->exprs)
    scan_tlist = lappend(scan_tlist, makeTargetEntry(static_cast<Expr *>(copyObjectImpl(lfirst(cell))),
                                                     static_cast<AttrNumber>(list_length(scan_tlist) + 1), nullptr,
                                                     false));
  // the guard's probe reads the guarded columns' values of one row that fails it, and its rowid
  const char **guarded = static_cast<const char **>(palloc(sizeof(char *) * (list_length(shipped.guard_attnums) + 1)));
  int nguarded = 0;
  foreach (cell, shipped.guard_attnums) guarded[nguarded++] = info->columns.by_attnum[lfirst_int(cell) - 1].sqlite_name;
  char *sql;
  char *probe = nullptr;
  {
    // C++ objects live only in this block; its only PostgreSQL calls cannot raise.
    std::vector<std::string> conditions = remote_conditions(info->pushdown);
    sql = palloc_string(aggregate_sql(info->sqlite_table, string_values(shipped.select_items), conditions,
                                      string_values(shipped.group_by)));
    if (shipped.guard) {
      conditions.push_back(shipped.guard);
      // the first such row in rowid order, which a scan without pushdown would fail on first
      probe = palloc_string(select_sql(info->sqlite_table, std::vector<std::string>(guarded, guarded + nguarded),
                                       info->rowid_name, conditions, info->rowid_name) + " LIMIT 1");
    }
  }
  List *fdw_private = list_make5(makeString(sql), NIL, makeInteger(0), makeString(psprintf("%u", info->relid)),
                                 shipped.outputs);
  fdw_private = lappend(fdw_private, NIL);  // no order guard
  fdw_private = lappend(fdw_private, probe ? list_make3(makeString(probe), shipped.guard_attnums,
                                                        makeInteger(info->rowid_name[0] != '\0'))
                                           : NIL);
  fdw_private = lappend(fdw_private, NIL);  // not a join
  return make_foreignscan(tlist, NIL, 0, info->pushdown.remote_values, fdw_private, scan_tlist, NIL, outer_plan);
}

// What GetForeignJoinPaths leaves for the plan of a join SQLite makes.
struct JoinPlanInfo {
  RelOptInfo *rels[2];             // outer (r1), inner (r2)
  const RelPlanInfo *tables[2];
  ShippedJoin shipped;
};

// The scan of a join SQLite makes: the columns of the first table the join's target needs, then
// the second's, then each table's rowid (for error messages naming the row).
ForeignScan *join_plan(RelOptInfo *joinrel, List *tlist, Plan *outer_plan) {
  const JoinPlanInfo *join = static_cast<const JoinPlanInfo *>(joinrel->fdw_private);
  StringInfo sql = makeStringInfo();
  appendStringInfoString(sql, "SELECT ");
  List *scan_tlist = NIL;
  List *tables = NIL;
  int nitems = 0;
  // the columns the join's target reads (by now it may be the query's final expressions)
  List *vars = pull_var_clause(reinterpret_cast<Node *>(joinrel->reltarget->exprs), PVC_RECURSE_PLACEHOLDERS);
  for (int side = 0; side < 2; ++side) {
    const RelPlanInfo *info = join->tables[side];
    List *attnums = NIL;
    ListCell *cell;
    foreach (cell, vars) {
      Var *var = lfirst_node(Var, cell);
      if (tlist_member(reinterpret_cast<Expr *>(var), scan_tlist)) continue;
      if (var->varno != static_cast<int>(join->rels[side]->relid)) continue;
      appendStringInfo(sql, "%sr%d.", nitems++ ? ", " : "", side + 1);
      append_sqlite_identifier(sql, retrieved_sqlite_column(info, var->varattno));
      scan_tlist = lappend(scan_tlist, makeTargetEntry(static_cast<Expr *>(copyObjectImpl(var)),
                                                       static_cast<AttrNumber>(list_length(scan_tlist) + 1), nullptr,
                                                       false));
      attnums = lappend_int(attnums, var->varattno);
    }
    tables = lappend(tables, list_make3(makeString(psprintf("%u", info->relid)), attnums,
                                        makeInteger(info->rowid_name[0] != '\0')));
  }
  for (int side = 0; side < 2; ++side)
    if (join->tables[side]->rowid_name[0])
      appendStringInfo(sql, "%sr%d.%s", nitems++ ? ", " : "", side + 1, join->tables[side]->rowid_name);
  if (nitems == 0) appendStringInfoString(sql, "NULL");
  appendStringInfo(sql, " FROM %s", join->shipped.from);
  if (join->shipped.where) appendStringInfo(sql, " WHERE %s", join->shipped.where);
  List *fdw_private = list_make5(makeString(sql->data), NIL, makeInteger(0),
                                 makeString(psprintf("%u", join->tables[0]->relid)), NIL);
  fdw_private = lappend(fdw_private, NIL);  // no order guard
  fdw_private = lappend(fdw_private, NIL);  // no aggregation guard
  fdw_private = lappend(fdw_private, tables);
  return make_foreignscan(tlist, NIL, 0, join->shipped.values, fdw_private, scan_tlist, NIL, outer_plan);
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
      std::string sqlite_name(table_name);
      const TableFacts &facts = table_facts(db, sqlite_name);  // lives in the backend's cache
      const Table &table = facts.table;
      rows = facts.rows;
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
      info->leads_index = palloc_items<bool>(table.columns.size() + 1);
      info->never_null = palloc_items<bool>(table.columns.size() + 1);
      info->utf8 = facts.utf8;
      for (int i = 0; i < info->ncolumns; ++i) {
        const Column &c = table.columns[i];
        info->sqlite_columns[i] = palloc_string(c.name);
        info->affinities[i] = static_cast<int>(affinity_of(c.declared_type));
        info->binary_collation[i] = c.collation.empty();
        info->generated[i] = c.hidden >= 2;
        info->never_null[i] = c.never_null(table.without_rowid());
        for (const std::string &name : facts.indexed) info->leads_index[i] = info->leads_index[i] || name == c.name;
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
      if (ShippedOrder order = shippable_order(baserel, root->query_pathkeys, info->columns); order.order)
        add_path(baserel, foreign_scan_path(root, baserel, baserel->rows, total * kSortedPathFactor,
                                            root->query_pathkeys, baserel->lateral_relids, order_private(order)));
  });
}

ForeignScan *hangarGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid, ForeignPath *best_path,
                                  List *tlist, List *scan_clauses, Plan *outer_plan) {
  return pg_entry([&] {
    if (baserel->reloptkind == RELOPT_UPPER_REL) return aggregate_plan(baserel, tlist, outer_plan);
    if (baserel->reloptkind == RELOPT_JOINREL) return join_plan(baserel, tlist, outer_plan);
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
      const char *sqlite_name = retrieved_sqlite_column(info, att->attnum);
      columns[ncolumns++] = sqlite_name;
      retrieved = lappend_int(retrieved, att->attnum);
    }
    table_close(rel, NoLock);

    ShippedOrder order = {materialize_order(root, info), nullptr, nullptr};
    if (best_path->fdw_private) order = order_from_private(best_path->fdw_private);
    char *sql;
    List *order_guard = NIL;
    {
      // C++ objects live only in this block; its only PostgreSQL calls cannot raise.
      std::vector<std::string> names(columns, columns + ncolumns);
      std::vector<std::string> conditions = remote_conditions(split);
      sql = palloc_string(select_sql(info->sqlite_table, names, info->rowid_name, conditions, order.order));
      if (order.blob_probe)
        order_guard = list_make2(
            makeString(palloc_string(probe_sql(info->sqlite_table, order.blob_probe))),
            makeString(palloc_string(select_sql(info->sqlite_table, names, info->rowid_name, conditions, order.exact_order))));
    }
    List *fdw_private = list_make5(makeString(sql), retrieved, makeInteger(info->rowid_name[0] != '\0'),
                                   makeString(psprintf("%u", info->relid)), NIL);
    fdw_private = lappend(fdw_private, order_guard);
    fdw_private = lappend(fdw_private, NIL);  // no aggregation guard
    fdw_private = lappend(fdw_private, NIL);  // not a join
    return make_foreignscan(tlist, local_clauses, baserel->relid, split.remote_values, fdw_private, NIL,
                            NIL, outer_plan);
  });
}

// A join of two foreign tables of one SQLite file (pushdown.cpp, ship_join), in a statement that
// only reads and locks no row, whose target needs only their columns: SQLite joins them, with
// its indexes, and sends only the joined rows.
void hangarGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel, RelOptInfo *innerrel,
                               JoinType jointype, JoinPathExtraData *extra) {
  pg_entry([&] {
    if (!enable_pushdown || joinrel->fdw_private || statement_writes(root) || root->parse->rowMarks) return;
    if (outerrel->reloptkind != RELOPT_BASEREL || innerrel->reloptkind != RELOPT_BASEREL || !outerrel->fdw_private ||
        !innerrel->fdw_private)
      return;
    if (!bms_is_empty(joinrel->lateral_relids) || !bms_is_empty(outerrel->lateral_relids) ||
        !bms_is_empty(innerrel->lateral_relids))
      return;
    ListCell *cell;
    foreach (cell, joinrel->reltarget->exprs) {
      Node *expr = static_cast<Node *>(lfirst(cell));
      if (!IsA(expr, Var) || reinterpret_cast<Var *>(expr)->varattno <= 0) return;
    }
    const RelPlanInfo *outer = static_cast<const RelPlanInfo *>(outerrel->fdw_private);
    const RelPlanInfo *inner = static_cast<const RelPlanInfo *>(innerrel->fdw_private);
    JoinPlanInfo *join = static_cast<JoinPlanInfo *>(palloc0(sizeof(JoinPlanInfo)));
    if (!ship_join(root, {outerrel, outer->sqlite_table, &outer->columns, "r1"},
                   {innerrel, inner->sqlite_table, &inner->columns, "r2"}, jointype, extra->restrictlist, &join->shipped))
      return;
    join->rels[0] = outerrel;
    join->rels[1] = innerrel;
    join->tables[0] = outer;
    join->tables[1] = inner;
    joinrel->fdw_private = join;
    // SQLite reads the smaller table and looks its rows up in the other's index; without one it
    // reads the other too (to build a transient index)
    double rows = joinrel->rows;
    double read_rows = Min(outerrel->rows, innerrel->rows) + (join->shipped.indexed ? 0 : Max(outerrel->rows, innerrel->rows));
    Cost total = kStartupCost + read_rows * kPerRowCost + rows * cpu_tuple_cost;
    add_path(joinrel, foreign_join_path(root, joinrel, rows, total));
  });
}

// Aggregates of one foreign table (pushdown.cpp, ship_aggregation), with every condition shipped
// and nothing lateral: SQLite groups and aggregates the rows (count(*) from its b-tree, without
// reading them) and the scan returns one row per group.
void hangarGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage, RelOptInfo *input_rel,
                                RelOptInfo *output_rel, void *extra) {
  pg_entry([&] {
    if (stage != UPPERREL_GROUP_AGG || !enable_pushdown || output_rel->fdw_private) return;
    if (input_rel->reloptkind != RELOPT_BASEREL || !input_rel->fdw_private || !bms_is_empty(input_rel->lateral_relids))
      return;
    GroupPathExtraData *group = static_cast<GroupPathExtraData *>(extra);
    if (group && group->patype != PARTITIONWISE_AGGREGATE_NONE) return;
    const RelPlanInfo *info = static_cast<const RelPlanInfo *>(input_rel->fdw_private);
    if (list_length(info->pushdown.remote_conditions) != list_length(input_rel->baserestrictinfo)) return;
    PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
    AggregatePlanInfo *aggregate = static_cast<AggregatePlanInfo *>(palloc0(sizeof(AggregatePlanInfo)));
    if (!ship_aggregation(root, input_rel, target, info->columns, &aggregate->shipped)) return;
    aggregate->base = info;
    output_rel->fdw_private = aggregate;
    // SQLite reads the rows it aggregates without sending them (half a scan's cost a row), the
    // guard reads them once more, and grouping by a key no index leads with sorts them first:
    // measured on 280,000 rows, that sort costs more than PostgreSQL's hash aggregation of the
    // rows sent to it, and the cost says so
    double read_rows = info->pushdown.remote_conditions ? input_rel->rows : input_rel->tuples;
    double groups = aggregate->shipped.groups;
    double per_row = 0.5 + (aggregate->shipped.guard ? 0.6 : 0.0) + (aggregate->shipped.sorted_groups ? 1.5 : 0.0);
    Cost total = kStartupCost + read_rows * kPerRowCost * per_row + groups * cpu_tuple_cost;
    if (!aggregate->shipped.group_by && !aggregate->shipped.guard) total = kStartupCost;  // count(*) alone
    add_path(output_rel, foreign_upper_path(root, output_rel, target, groups, total));
  });
}

}  // namespace hangar
