// Which WHERE clauses are sent to SQLite, and why that is safe (DESIGN.md principle 7).
//
// Shipped: comparisons (=, <>, <, <=, >, >=) between the table's rowid alias column (an INTEGER
// PRIMARY KEY of a rowid table) and an integer constant or query parameter. SQLite stores only
// 64-bit integers in such a column and compares them exactly as PostgreSQL compares integers, so
// the rows are the same with or without shipping; SQLite answers from its rowid b-tree instead of
// reading the whole table, and rows the query excludes are never converted.
//
// Not shipped: everything else. Other columns may hold values of any storage class with SQLite's
// own cross-class ordering; text comparison, LIKE, collations, integer division and NULL ordering
// differ between the two systems.
#include "fdw/pushdown.hpp"

extern "C" {
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
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

bool is_value(Node *node) {
  if (IsA(node, Const)) return true;
  return IsA(node, Param) && reinterpret_cast<Param *>(node)->paramkind == PARAM_EXTERN;
}

}  // namespace

PushdownSplit split_conditions(RelOptInfo *baserel, AttrNumber rowid_attnum) {
  PushdownSplit split = {NIL, NIL, NIL};
  ListCell *cell;
  foreach (cell, baserel->baserestrictinfo) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    Expr *clause = rinfo->clause;
    const char *op = nullptr;
    Node *value = nullptr;
    if (rowid_attnum != InvalidAttrNumber && IsA(clause, OpExpr) &&
        list_length(reinterpret_cast<OpExpr *>(clause)->args) == 2) {
      OpExpr *expr = reinterpret_cast<OpExpr *>(clause);
      Node *left = static_cast<Node *>(linitial(expr->args));
      Node *right = static_cast<Node *>(lsecond(expr->args));
      if (is_rowid_alias_var(left, baserel->relid, rowid_attnum) && is_value(right)) {
        op = sqlite_operator(expr->opno, false);
        value = right;
      } else if (is_rowid_alias_var(right, baserel->relid, rowid_attnum) && is_value(left)) {
        op = sqlite_operator(expr->opno, true);
        value = left;
      }
    }
    if (op) {
      split.remote_operators = lappend(split.remote_operators, makeString(const_cast<char *>(op)));
      split.remote_values = lappend(split.remote_values, value);
      split.remote_conditions = lappend(split.remote_conditions, rinfo);
    }
  }
  return split;
}

}  // namespace hangar
