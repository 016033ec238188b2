// Which WHERE clauses are sent to SQLite, and why that is safe (DESIGN.md principle 7).
//
// Shipped: comparisons (=, <>, <, <=, >, >=) between the table's rowid alias column (an INTEGER
// PRIMARY KEY of a rowid table) and an integer value that does not depend on the scanned row: a
// constant, a query parameter (of a prepared statement, or of a correlated subquery), or a column
// of another relation the scan is joined with (the scan is then parameterized: it runs once per
// outer row, with that row's value). SQLite stores only 64-bit integers in such a column and
// compares them exactly as PostgreSQL compares integers, and a NULL value matches nothing on
// either side, so the rows are the same with or without shipping; SQLite answers from its rowid
// b-tree instead of reading the whole table, and rows the query excludes are never converted.
//
// Not shipped: everything else. Other columns may hold values of any storage class with SQLite's
// own cross-class ordering; text comparison, LIKE, collations, integer division and NULL ordering
// differ between the two systems.
#include "fdw/pushdown.hpp"

extern "C" {
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "utils/lsyscache.h"
}

namespace hangar {

namespace {

bool is_integer_type(Oid type) { return type == INT2OID || type == INT4OID || type == INT8OID; }

// The SQLite spelling of a built-in integer comparison, after swapping sides when the column
// is on the right; nullptr when the operator is not one we ship.
const char *sqlite_operator(Oid opno, bool column_on_right) {
  if (opno >= FirstGenbkiObjectId) return nullptr;  // user-defined operators mean anything
  Oid left, right;
  op_input_types(opno, &left, &right);
  if (!is_integer_type(left) || !is_integer_type(right)) return nullptr;
  const char *name = get_opname(opno);
  static const char *const kOps[][2] = {{"=", "="}, {"<>", "<>"}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
  for (const auto &op : kOps)
    if (strcmp(name, op[0]) == 0) return column_on_right ? op[1] : op[0];
  return nullptr;
}

bool is_rowid_alias_var(Node *node, Index relid, AttrNumber rowid_attnum) {
  if (!IsA(node, Var)) return false;
  Var *var = reinterpret_cast<Var *>(node);
  return var->varno == static_cast<int>(relid) && var->varattno == rowid_attnum && var->varlevelsup == 0;
}

// A value the scanned row cannot change, bound when the scan starts or restarts: an expression
// over constants, parameters and columns of other relations, with no volatile function and no
// subquery.
bool is_outside_value(PlannerInfo *root, Node *node, Index relid) {
  return !bms_is_member(static_cast<int>(relid), pull_varnos(root, node)) && !contain_volatile_functions(node) &&
         !contain_subplans(node);
}

// The SQLite operator and the compared value of a shippable comparison, or nullptr.
const char *shippable(PlannerInfo *root, Expr *clause, Index relid, AttrNumber rowid_attnum, Node **value) {
  if (!IsA(clause, OpExpr) || list_length(reinterpret_cast<OpExpr *>(clause)->args) != 2) return nullptr;
  OpExpr *expr = reinterpret_cast<OpExpr *>(clause);
  Node *left = static_cast<Node *>(linitial(expr->args));
  Node *right = static_cast<Node *>(lsecond(expr->args));
  if (is_rowid_alias_var(left, relid, rowid_attnum) && is_outside_value(root, right, relid)) {
    *value = right;
    return sqlite_operator(expr->opno, false);
  }
  if (is_rowid_alias_var(right, relid, rowid_attnum) && is_outside_value(root, left, relid)) {
    *value = left;
    return sqlite_operator(expr->opno, true);
  }
  return nullptr;
}

// An equivalence class member that is the rowid alias column.
bool is_rowid_member(PlannerInfo *, RelOptInfo *rel, EquivalenceClass *, EquivalenceMember *em, void *arg) {
  return is_rowid_alias_var(reinterpret_cast<Node *>(em->em_expr), rel->relid, *static_cast<AttrNumber *>(arg));
}

}  // namespace

PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, AttrNumber rowid_attnum) {
  PushdownSplit split = {NIL, NIL, NIL};
  if (!enable_pushdown || rowid_attnum == InvalidAttrNumber) return split;
  ListCell *cell;
  foreach (cell, clauses) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Node *value = nullptr;
    const char *op = rinfo->pseudoconstant ? nullptr : shippable(root, rinfo->clause, baserel->relid, rowid_attnum, &value);
    if (!op) continue;
    split.remote_operators = lappend(split.remote_operators, makeString(const_cast<char *>(op)));
    split.remote_values = lappend(split.remote_values, value);
    split.remote_conditions = lappend(split.remote_conditions, rinfo);
  }
  return split;
}

List *rowid_join_clauses(PlannerInfo *root, RelOptInfo *baserel, AttrNumber rowid_attnum) {
  if (!enable_pushdown || rowid_attnum == InvalidAttrNumber) return NIL;
  List *clauses = generate_implied_equalities_for_column(root, baserel, is_rowid_member, &rowid_attnum,
                                                         baserel->lateral_referencers);
  ListCell *cell;
  foreach (cell, baserel->joininfo) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Node *value = nullptr;
    if (!rinfo->pseudoconstant && shippable(root, rinfo->clause, baserel->relid, rowid_attnum, &value))
      clauses = lappend(clauses, rinfo);
  }
  // Only clauses whose other side is a single comparable value, not the scanned row.
  List *usable = NIL;
  foreach (cell, clauses) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Node *value = nullptr;
    if (shippable(root, rinfo->clause, baserel->relid, rowid_attnum, &value)) usable = lappend(usable, rinfo);
  }
  return usable;
}

}  // namespace hangar
