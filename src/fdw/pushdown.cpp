// Which WHERE and join clauses are sent to SQLite, and why that is safe (DESIGN.md principles 7
// and 8: a query returns the same rows with pushdown on and off).
//
// Shipped, with a value the scanned row cannot change (a constant, a parameter of a prepared
// statement or of a correlated subquery, or an expression over columns of joined relations, with
// no volatile function and no subquery; the scan is then parameterized and runs once per outer
// row with that row's value):
//
// - Integer comparisons (=, <>, <, <=, >, >=) on a column of INTEGER affinity read as smallint,
//   integer or bigint, the rowid alias among them. SQLite's affinity turns every value that looks
//   like an integer into one when it is stored, so a value PostgreSQL can read as an integer is
//   stored as a 64-bit integer, which SQLite compares exactly as PostgreSQL does. A value stored
//   otherwise (non-integral REAL, text that is no number, a blob) cannot be read as an integer:
//   the shipped condition may leave its row out where PostgreSQL would fail on it, and rows a
//   shipped condition excludes are never converted (README, Pushdown). NULL matches nothing on
//   either side.
// - Text equality (texteq under a deterministic collation) on a column of TEXT affinity with
//   SQLite's BINARY collation, read as text or varchar, shipped as "c" IN (?, CAST(? AS BLOB)).
//   A deterministic collation calls two strings equal only when their bytes are, BINARY compares
//   bytes, and the IN also finds a blob with the same bytes, which PostgreSQL reads as that text.
//   The value is bound in UTF-8, as SQLite stores text; conversion from the server encoding keeps
//   equality. Ordering comparisons on text stay in PostgreSQL: SQLite orders every blob after
//   every text, and collations differ.
//
// - IS NULL and IS NOT NULL on any column: a SQLite NULL is the only value any conversion reads
//   as NULL.
// - ORDER BY integer columns of INTEGER affinity (for the same reason), with NULLS FIRST or LAST
//   spelled out as PostgreSQL places NULLs: a LIMIT above the scan then stops SQLite early.
//
// Not shipped: everything else: other types and affinities (a NUMERIC or untyped column can hold
// '5' as text, which PostgreSQL reads as 5 and SQLite does not equal to 5), LIKE, functions,
// casts, OR, IN lists, collations other than BINARY, columns with several meanings.
#include "fdw/pushdown.hpp"

extern "C" {
#include "access/transam.h"
#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "utils/lsyscache.h"
}

#include <string>

#include "core/sqlite_db.hpp"
#include "core/type_map.hpp"
#include "pg/error_bridge.hpp"

namespace hangar {

namespace {

bool is_integer_type(Oid type) { return type == INT2OID || type == INT4OID || type == INT8OID; }

// A column of the scanned relation, through binary-compatible relabeling (varchar as text).
const PushdownColumn *scanned_column(Node *node, Index relid, const PushdownColumns &columns, Oid *type) {
  while (IsA(node, RelabelType)) node = reinterpret_cast<Node *>(reinterpret_cast<RelabelType *>(node)->arg);
  if (!IsA(node, Var)) return nullptr;
  Var *var = reinterpret_cast<Var *>(node);
  if (var->varno != static_cast<int>(relid) || var->varlevelsup != 0 || var->varattno <= 0 ||
      var->varattno > columns.natts)
    return nullptr;
  const PushdownColumn *column = &columns.by_attnum[var->varattno - 1];
  if (!column->sqlite_name) return nullptr;
  *type = getBaseType(var->vartype);
  return column;
}

// A value the scanned row cannot change, bound when the scan starts or restarts.
bool is_outside_value(PlannerInfo *root, Node *node, Index relid) {
  return !bms_is_member(static_cast<int>(relid), pull_varnos(root, node)) && !contain_volatile_functions(node) &&
         !contain_subplans(node);
}

// The SQLite operator for a comparison of the column (on the left once swapped) with the value;
// nullptr when it is not shipped.
const char *sqlite_operator(const OpExpr *expr, const PushdownColumn &column, Oid column_type, bool column_on_right) {
  if (expr->opno >= FirstGenbkiObjectId) return nullptr;  // user-defined operators mean anything
  Oid left, right;
  op_input_types(expr->opno, &left, &right);
  const char *name = get_opname(expr->opno);
  if (is_integer_type(column_type) && is_integer_type(left) && is_integer_type(right) &&
      column.affinity == static_cast<int>(Affinity::Integer)) {
    static const char *const kOps[][2] = {{"=", "="}, {"<>", "<>"}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
    for (const auto &op : kOps)
      if (strcmp(name, op[0]) == 0) return column_on_right ? op[1] : op[0];
    return nullptr;
  }
  if ((column_type == TEXTOID || column_type == VARCHAROID) && left == TEXTOID && right == TEXTOID &&
      strcmp(name, "=") == 0 && column.affinity == static_cast<int>(Affinity::Text) && column.binary_collation &&
      OidIsValid(expr->inputcollid) && get_collation_isdeterministic(expr->inputcollid))
    return "bytes=";
  return nullptr;
}

// The SQLite column, operator and compared value of a shippable clause, or nullptr.
const char *shippable(PlannerInfo *root, Expr *clause, Index relid, const PushdownColumns &columns,
                      const PushdownColumn **column, Node **value) {
  if (!IsA(clause, OpExpr) || list_length(reinterpret_cast<OpExpr *>(clause)->args) != 2) return nullptr;
  OpExpr *expr = reinterpret_cast<OpExpr *>(clause);
  Node *left = static_cast<Node *>(linitial(expr->args));
  Node *right = static_cast<Node *>(lsecond(expr->args));
  Oid type;
  if ((*column = scanned_column(left, relid, columns, &type)) && is_outside_value(root, right, relid)) {
    *value = right;
    return sqlite_operator(expr, **column, type, false);
  }
  if ((*column = scanned_column(right, relid, columns, &type)) && is_outside_value(root, left, relid)) {
    *value = left;
    return sqlite_operator(expr, **column, type, true);
  }
  return nullptr;
}

// The column a scalar IS [NOT] NULL tests, or nullptr.
const PushdownColumn *null_test_column(Expr *clause, Index relid, const PushdownColumns &columns) {
  if (!IsA(clause, NullTest)) return nullptr;
  NullTest *test = reinterpret_cast<NullTest *>(clause);
  Oid type;
  return test->argisrow ? nullptr : scanned_column(reinterpret_cast<Node *>(test->arg), relid, columns, &type);
}

// An equivalence class member that is the rowid alias column.
bool is_rowid_member(PlannerInfo *, RelOptInfo *rel, EquivalenceClass *, EquivalenceMember *em, void *arg) {
  Oid type;
  const PushdownColumn *column =
      scanned_column(reinterpret_cast<Node *>(em->em_expr), rel->relid, *static_cast<const PushdownColumns *>(arg), &type);
  return column && column->rowid_alias;
}

bool is_rowid_comparison(PlannerInfo *root, RelOptInfo *baserel, RestrictInfo *rinfo, const PushdownColumns &columns) {
  const PushdownColumn *column = nullptr;
  Node *value = nullptr;
  return !rinfo->pseudoconstant && shippable(root, rinfo->clause, baserel->relid, columns, &column, &value) &&
         column->rowid_alias;
}

}  // namespace

PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, const PushdownColumns &columns) {
  PushdownSplit split = {NIL, NIL, NIL, NIL};
  if (!enable_pushdown) return split;
  ListCell *cell;
  foreach (cell, clauses) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (const PushdownColumn *tested = rinfo->pseudoconstant ? nullptr : null_test_column(rinfo->clause, baserel->relid, columns)) {
      bool is_null = reinterpret_cast<NullTest *>(rinfo->clause)->nulltesttype == IS_NULL;
      split.remote_columns = lappend(split.remote_columns, makeString(const_cast<char *>(tested->sqlite_name)));
      split.remote_operators = lappend(split.remote_operators, makeString(const_cast<char *>(is_null ? "IS NULL" : "IS NOT NULL")));
      split.remote_conditions = lappend(split.remote_conditions, rinfo);
      continue;
    }
    const PushdownColumn *column = nullptr;
    Node *value = nullptr;
    const char *op =
        rinfo->pseudoconstant ? nullptr : shippable(root, rinfo->clause, baserel->relid, columns, &column, &value);
    if (!op) continue;
    split.remote_columns = lappend(split.remote_columns, makeString(const_cast<char *>(column->sqlite_name)));
    split.remote_operators = lappend(split.remote_operators, makeString(const_cast<char *>(op)));
    split.remote_values = lappend(split.remote_values, value);
    split.remote_conditions = lappend(split.remote_conditions, rinfo);
  }
  return split;
}

const char *shippable_order(RelOptInfo *baserel, List *pathkeys, const PushdownColumns &columns) {
  if (!enable_pushdown || pathkeys == NIL) return nullptr;
  std::string order;
  ListCell *cell;
  foreach (cell, pathkeys) {
    PathKey *key = lfirst_node(PathKey, cell);
    if (key->pk_opfamily != INTEGER_BTREE_FAM_OID || key->pk_eclass->ec_has_volatile) return nullptr;
    const PushdownColumn *column = nullptr;
    ListCell *member;
    foreach (member, key->pk_eclass->ec_members) {
      EquivalenceMember *em = lfirst_node(EquivalenceMember, member);
      Oid type;
      const PushdownColumn *c = em->em_is_const ? nullptr
                                                : scanned_column(reinterpret_cast<Node *>(em->em_expr), baserel->relid, columns, &type);
      if (c && is_integer_type(type) && c->affinity == static_cast<int>(Affinity::Integer)) column = c;
    }
    if (!column) return nullptr;
    order += std::string(order.empty() ? "" : ", ") + quote_sqlite_identifier(column->sqlite_name) +
             (key->pk_strategy == BTGreaterStrategyNumber ? " DESC" : " ASC") +
             (key->pk_nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return palloc_string(order);
}

List *rowid_join_clauses(PlannerInfo *root, RelOptInfo *baserel, const PushdownColumns &columns) {
  if (!enable_pushdown) return NIL;
  List *candidates = generate_implied_equalities_for_column(root, baserel, is_rowid_member,
                                                            const_cast<PushdownColumns *>(&columns),
                                                            baserel->lateral_referencers);
  candidates = list_concat(candidates, baserel->joininfo);
  List *clauses = NIL;
  ListCell *cell;
  foreach (cell, candidates) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (is_rowid_comparison(root, baserel, rinfo, columns)) clauses = lappend(clauses, rinfo);
  }
  return clauses;
}

}  // namespace hangar
