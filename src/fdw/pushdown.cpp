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
// - IS NULL and IS NOT NULL on any column: a SQLite NULL is the only value any conversion reads
//   as NULL.
// - = ANY (array) of those equalities (IN lists), as an SQL IN list of parameters, and AND, OR and
//   NOT of shipped conditions: SQLite's three-valued logic is PostgreSQL's, and each shipped
//   condition is true, false or NULL for the same rows on both sides.
// - ORDER BY integer columns of INTEGER affinity (for the same reason), with NULLS FIRST or LAST
//   spelled out as PostgreSQL places NULLs: a LIMIT above the scan then stops SQLite early.
//
// Not shipped: everything else: other types and affinities (a NUMERIC or untyped column can hold
// '5' as text, which PostgreSQL reads as 5 and SQLite does not equal to 5), LIKE, functions,
// arithmetic on columns, casts, collations other than BINARY, ordering by anything but integer
// columns (DATETIME text orders as time only when every value has one form). count(*) is shipped
// by scan_planner.cpp's upper paths when every condition is.
#include "fdw/pushdown.hpp"

extern "C" {
#include "access/transam.h"
#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "utils/array.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "utils/lsyscache.h"
}

#include "core/type_map.hpp"

namespace hangar {

namespace {

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
const char *sqlite_operator(Oid opno, Oid inputcollid, const PushdownColumn &column, Oid column_type,
                            bool column_on_right) {
  if (opno >= FirstGenbkiObjectId) return nullptr;  // user-defined operators mean anything
  Oid left, right;
  op_input_types(opno, &left, &right);
  const char *name = get_opname(opno);
  if (is_integer_type(column_type) && is_integer_type(left) && is_integer_type(right) &&
      column.affinity == static_cast<int>(Affinity::Integer)) {
    static const char *const kOps[][2] = {{"=", "="}, {"<>", "<>"}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
    for (const auto &op : kOps)
      if (strcmp(name, op[0]) == 0) return column_on_right ? op[1] : op[0];
    return nullptr;
  }
  if ((column_type == TEXTOID || column_type == VARCHAROID) && left == TEXTOID && right == TEXTOID &&
      strcmp(name, "=") == 0 && column.affinity == static_cast<int>(Affinity::Text) && column.binary_collation &&
      OidIsValid(inputcollid) && get_collation_isdeterministic(inputcollid))
    return "bytes=";
  return nullptr;
}

// The SQLite column, operator and compared value of a shippable comparison, or nullptr.
const char *shippable(PlannerInfo *root, Expr *clause, Index relid, const PushdownColumns &columns,
                      const PushdownColumn **column, Node **value) {
  if (!IsA(clause, OpExpr) || list_length(reinterpret_cast<OpExpr *>(clause)->args) != 2) return nullptr;
  OpExpr *expr = reinterpret_cast<OpExpr *>(clause);
  Node *left = static_cast<Node *>(linitial(expr->args));
  Node *right = static_cast<Node *>(lsecond(expr->args));
  Oid type;
  if ((*column = scanned_column(left, relid, columns, &type)) && is_outside_value(root, right, relid)) {
    *value = right;
    return sqlite_operator(expr->opno, expr->inputcollid, **column, type, false);
  }
  if ((*column = scanned_column(right, relid, columns, &type)) && is_outside_value(root, left, relid)) {
    *value = left;
    return sqlite_operator(expr->opno, expr->inputcollid, **column, type, true);
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

void append_sqlite_identifier(StringInfo out, const char *name) {
  appendStringInfoChar(out, '"');
  for (const char *c = name; *c; ++c) {
    if (*c == '"') appendStringInfoChar(out, '"');
    appendStringInfoChar(out, *c);
  }
  appendStringInfoChar(out, '"');
}

// SQLite text of a condition with its values as parameters ?n (numbered from values' length).
struct Deparse {
  PlannerInfo *root;
  Index relid;
  const PushdownColumns &columns;
  StringInfo sql;
  List *values;
};

// Appends the parameter for value: "?n", or for text equality "?n, CAST(?n AS BLOB)".
void append_value(Deparse *d, Node *value, bool bytes_equal) {
  d->values = lappend(d->values, value);
  int n = list_length(d->values);
  if (bytes_equal)
    appendStringInfo(d->sql, "?%d, CAST(?%d AS BLOB)", n, n);
  else
    appendStringInfo(d->sql, "?%d", n);
}

bool deparse(Deparse *d, Expr *clause);

// c = ANY (array): an IN list of the array's elements (NULL ones too: PostgreSQL and SQLite
// both make a match true and anything else NULL).
bool deparse_in_list(Deparse *d, ScalarArrayOpExpr *in) {
  if (!in->useOr || list_length(in->args) != 2 || !IsA(lsecond(in->args), Const)) return false;
  Oid type;
  const PushdownColumn *column =
      scanned_column(static_cast<Node *>(linitial(in->args)), d->relid, d->columns, &type);
  if (!column) return false;
  const char *op = sqlite_operator(in->opno, in->inputcollid, *column, type, false);
  if (!op || (strcmp(op, "=") != 0 && strcmp(op, "bytes=") != 0)) return false;
  Const *array_const = static_cast<Const *>(lsecond(in->args));
  if (array_const->constisnull) return false;
  ArrayType *array = DatumGetArrayTypeP(array_const->constvalue);
  int16 length;
  bool by_value;
  char align;
  Oid element_type = ARR_ELEMTYPE(array);
  get_typlenbyvalalign(element_type, &length, &by_value, &align);
  Datum *elements;
  bool *nulls;
  int count;
  deconstruct_array(array, element_type, length, by_value, align, &elements, &nulls, &count);
  append_sqlite_identifier(d->sql, column->sqlite_name);
  appendStringInfoString(d->sql, " IN (");
  for (int i = 0; i < count; ++i) {
    if (i) appendStringInfoString(d->sql, ", ");
    Const *element = makeConst(element_type, -1, array_const->constcollid, length, elements[i], nulls[i], by_value);
    append_value(d, reinterpret_cast<Node *>(element), strcmp(op, "bytes=") == 0);
  }
  appendStringInfoChar(d->sql, ')');
  return true;
}

bool deparse(Deparse *d, Expr *clause) {
  if (IsA(clause, BoolExpr)) {
    BoolExpr *b = reinterpret_cast<BoolExpr *>(clause);
    const char *joiner = b->boolop == AND_EXPR ? " AND " : b->boolop == OR_EXPR ? " OR " : nullptr;
    appendStringInfoString(d->sql, b->boolop == NOT_EXPR ? "NOT (" : "(");
    ListCell *cell;
    foreach (cell, b->args) {
      if (cell != list_head(b->args)) {
        if (!joiner) return false;
        appendStringInfoString(d->sql, joiner);
      }
      appendStringInfoChar(d->sql, '(');
      if (!deparse(d, static_cast<Expr *>(lfirst(cell)))) return false;
      appendStringInfoChar(d->sql, ')');
    }
    appendStringInfoChar(d->sql, ')');
    return true;
  }
  if (IsA(clause, ScalarArrayOpExpr)) return deparse_in_list(d, reinterpret_cast<ScalarArrayOpExpr *>(clause));
  if (const PushdownColumn *tested = null_test_column(clause, d->relid, d->columns)) {
    append_sqlite_identifier(d->sql, tested->sqlite_name);
    appendStringInfoString(d->sql, reinterpret_cast<NullTest *>(clause)->nulltesttype == IS_NULL ? " IS NULL" : " IS NOT NULL");
    return true;
  }
  const PushdownColumn *column = nullptr;
  Node *value = nullptr;
  const char *op = shippable(d->root, clause, d->relid, d->columns, &column, &value);
  if (!op) return false;
  append_sqlite_identifier(d->sql, column->sqlite_name);
  bool bytes_equal = strcmp(op, "bytes=") == 0;
  appendStringInfo(d->sql, bytes_equal ? " IN (" : " %s ", op);
  append_value(d, value, bytes_equal);
  if (bytes_equal) appendStringInfoChar(d->sql, ')');
  return true;
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
  PushdownSplit split = {NIL, NIL, NIL};
  if (!enable_pushdown) return split;
  ListCell *cell;
  foreach (cell, clauses) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (rinfo->pseudoconstant) continue;
    Deparse d{root, baserel->relid, columns, makeStringInfo(), list_copy(split.remote_values)};
    if (!deparse(&d, rinfo->clause)) continue;  // the values it appended go with the copy
    split.remote_sql = lappend(split.remote_sql, makeString(d.sql->data));
    split.remote_values = d.values;
    split.remote_conditions = lappend(split.remote_conditions, rinfo);
  }
  return split;
}

const char *shippable_order(RelOptInfo *baserel, List *pathkeys, const PushdownColumns &columns) {
  if (!enable_pushdown || pathkeys == NIL) return nullptr;
  StringInfo order = makeStringInfo();
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
    if (order->len) appendStringInfoString(order, ", ");
    append_sqlite_identifier(order, column->sqlite_name);
#if PG_VERSION_NUM >= 180000
    bool descending = key->pk_cmptype == COMPARE_GT;
#else
    bool descending = key->pk_strategy == BTGreaterStrategyNumber;
#endif
    appendStringInfoString(order, descending ? " DESC" : " ASC");
    appendStringInfoString(order, key->pk_nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return order->data;
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
