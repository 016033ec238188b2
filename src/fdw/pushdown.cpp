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
//   equality. Only in files that store text in UTF-8: elsewhere CAST(? AS BLOB) gives other bytes. Ordering comparisons on text stay in PostgreSQL: SQLite orders every blob after
//   every text, and collations differ.
// - IS NULL and IS NOT NULL on any column: a SQLite NULL is the only value any conversion reads
//   as NULL.
// - = ANY (array) of those equalities (IN lists), as an SQL IN list of parameters, and AND, OR and
//   NOT of shipped conditions: SQLite's three-valued logic is PostgreSQL's, and each shipped
//   condition is true, false or NULL for the same rows on both sides.
// - ORDER BY integer columns of INTEGER affinity (for the same reason), with NULLS FIRST or LAST
//   spelled out as PostgreSQL places NULLs (left out for a column SQLite never stores NULL in, as
//   SQLite reads an index in order only with its own NULL placement): a LIMIT above the scan then
//   stops SQLite early.
// - ORDER BY text and varchar columns of TEXT affinity and BINARY collation, sorted under the C
//   collation, when the file and the server both store text in UTF-8: BINARY compares the UTF-8
//   bytes as memcmp does, and so does C (then the shorter string first). SQLite orders every
//   blob after every text, where PostgreSQL reads a blob's bytes as text among the others, so the
//   order is by CAST(c AS BLOB) (every value by its bytes), or, where an index leads with the
//   column, by the column itself after a probe (c >= x'', true only of blobs, an index seek)
//   found no blob (ShippedOrder, scan.cpp). Under any other collation text order stays here.
// - Join clauses of those comparisons with other relations' columns make parameterized paths:
//   SQLite looks each outer row's value up in the rowid b-tree or an index (index_leading_columns:
//   not partial, BINARY), or reads the table for it where none leads with the column.
//
// - Aggregation of one foreign table (ship_aggregation), every condition shipped, no HAVING:
//   GROUP BY integer columns of INTEGER affinity, and text ones of TEXT affinity and BINARY
//   collation under a deterministic collation, grouped by CAST(c AS TEXT) so that a blob groups
//   with the text of its bytes, as PostgreSQL reads it; count(*) and count(c) (only a SQLite NULL
//   reads as NULL); min and max of integer columns; sum and avg of smallint and integer columns
//   (SQLite sums 64-bit integers exactly, and values within integer's range cannot overflow them;
//   avg is computed here from the sum and count as PostgreSQL's int8_avg does: numeric, exact).
//   An aggregate would read a value PostgreSQL cannot (stored as other than an integer, or out
//   of the type's range); so a guard query first finds the first such row in rowid order, and the
//   scan converts it to fail as the scan without pushdown does. Not shipped: sum and avg of
//   bigint (numeric in PostgreSQL; SQLite's sum fails on overflow), DISTINCT, FILTER, ORDER BY
//   within an aggregate, HAVING, grouping sets, expressions over aggregates or columns.
//
// Not shipped: everything else: other types and affinities (a NUMERIC or untyped column can hold
// '5' as text, which PostgreSQL reads as 5 and SQLite does not equal to 5), LIKE (ASCII
// case-insensitive in SQLite), functions, arithmetic on columns (SQLite's integer division, % on
// negatives and overflow to REAL differ), casts, collations other than BINARY, text order under a
// collation other than C, DATETIME order (its text orders as time only when every value has one
// form: 'T' or space, zone suffixes and epoch numbers differ), bpchar (PostgreSQL ignores its
// trailing spaces).
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
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/selfuncs.h"
#include "catalog/pg_aggregate.h"
#include "optimizer/tlist.h"
#include "mb/pg_wchar.h"
}

#include "core/type_map.hpp"

namespace hangar {

void append_sqlite_identifier(StringInfo out, const char *name) {
  appendStringInfoChar(out, '"');
  for (const char *c = name; *c; ++c) {
    if (*c == '"') appendStringInfoChar(out, '"');
    appendStringInfoChar(out, *c);
  }
  appendStringInfoChar(out, '"');
}

namespace {

// A column's SQLite name, quoted (palloc'd).
char *quoted_name(const PushdownColumn *column) {
  StringInfoData name;
  initStringInfo(&name);
  append_sqlite_identifier(&name, column->sqlite_name);
  return name.data;
}

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

// Whether a collation orders strings by their bytes (C or POSIX).
bool collation_is_c(Oid collation) {
  if (!OidIsValid(collation)) return false;
#if PG_VERSION_NUM >= 180000
  return pg_newlocale_from_collation(collation)->collate_is_c;
#else
  return lc_collate_is_c(collation);
#endif
}

// A value the scanned row cannot change, bound when the scan starts or restarts.
bool is_outside_value(PlannerInfo *root, Node *node, Index relid) {
  return !bms_is_member(static_cast<int>(relid), pull_varnos(root, node)) && !contain_volatile_functions(node) &&
         !contain_subplans(node);
}

// The SQLite operator for a comparison of the column (on the left once swapped) with the value;
// nullptr when it is not shipped.
const char *sqlite_operator(Oid opno, Oid inputcollid, const PushdownColumns &columns, const PushdownColumn &column,
                            Oid column_type, bool column_on_right) {
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
      columns.utf8 &&
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
    return sqlite_operator(expr->opno, expr->inputcollid, columns, **column, type, false);
  }
  if ((*column = scanned_column(right, relid, columns, &type)) && is_outside_value(root, left, relid)) {
    *value = left;
    return sqlite_operator(expr->opno, expr->inputcollid, columns, **column, type, true);
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

// SQLite text of a condition with its values as parameters ?n (numbered from values' length).
struct Deparse {
  PlannerInfo *root;
  Index relid;
  const PushdownColumns &columns;
  StringInfo sql;
  List *values;
  const char *alias;  // the table's alias in a join's query; nullptr outside joins
};

// A column of the deparsed table, qualified by its alias in a join.
void append_column(Deparse *d, const PushdownColumn *column) {
  if (d->alias) appendStringInfo(d->sql, "%s.", d->alias);
  append_sqlite_identifier(d->sql, column->sqlite_name);
}

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
  const char *op = sqlite_operator(in->opno, in->inputcollid, d->columns, *column, type, false);
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
  append_column(d, column);
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
    append_column(d, tested);
    appendStringInfoString(d->sql, reinterpret_cast<NullTest *>(clause)->nulltesttype == IS_NULL ? " IS NULL" : " IS NOT NULL");
    return true;
  }
  const PushdownColumn *column = nullptr;
  Node *value = nullptr;
  const char *op = shippable(d->root, clause, d->relid, d->columns, &column, &value);
  if (!op) return false;
  append_column(d, column);
  bool bytes_equal = strcmp(op, "bytes=") == 0;
  appendStringInfo(d->sql, bytes_equal ? " IN (" : " %s ", op);
  append_value(d, value, bytes_equal);
  if (bytes_equal) appendStringInfoChar(d->sql, ')');
  return true;
}

// An equivalence class member that is a column SQLite could compare.
bool is_column_member(PlannerInfo *, RelOptInfo *rel, EquivalenceClass *, EquivalenceMember *em, void *arg) {
  Oid type;
  return scanned_column(reinterpret_cast<Node *>(em->em_expr), rel->relid, *static_cast<const PushdownColumns *>(arg),
                        &type) != nullptr;
}

// The attribute a scanned column expression reads (scanned_column said it is one).
AttrNumber column_attnum(Node *node) {
  while (IsA(node, RelabelType)) node = reinterpret_cast<Node *>(reinterpret_cast<RelabelType *>(node)->arg);
  return reinterpret_cast<Var *>(node)->varattno;
}

// An aggregate over every row: no FILTER, DISTINCT, ORDER BY or partial aggregation.
bool is_plain_aggregate(Aggref *agg) {
  return !agg->aggfilter && !agg->aggdistinct && !agg->aggorder && agg->aggkind == AGGKIND_NORMAL &&
         agg->agglevelsup == 0 && agg->aggsplit == AGGSPLIT_SIMPLE;
}

// Appends a condition true of a non-NULL value of the column that the integer type cannot read:
// stored as anything but an integer (INTEGER affinity stores every integral number as one), or
// out of the type's range.
void append_unreadable_integer(StringInfo out, const char *name, Oid type) {
  appendStringInfo(out, "(%s IS NOT NULL AND (typeof(%s) <> 'integer'", name, name);
  if (type == INT4OID) appendStringInfo(out, " OR %s NOT BETWEEN -2147483648 AND 2147483647", name);
  if (type == INT2OID) appendStringInfo(out, " OR %s NOT BETWEEN -32768 AND 32767", name);
  appendStringInfoString(out, "))");
}

// What SQLite computes for one aggregate, or false.
struct AggregateItems {
  const char *converted;  // min or max: read through the column's converter
  const char *first;      // count or sum (int8), or avg's sum
  const char *second;     // avg's count
  const PushdownColumn *guarded;  // a column whose every value the aggregate must be able to read
  Oid guarded_type;
  AttrNumber attnum;
};

bool ship_aggregate(Aggref *agg, Index relid, const PushdownColumns &columns, AggregateItems *items) {
  *items = {nullptr, nullptr, nullptr, nullptr, InvalidOid, 0};
  if (!is_plain_aggregate(agg)) return false;
  if (agg->aggfnoid == F_COUNT_ && agg->aggstar) {
    items->first = "count(*)";
    return true;
  }
  if (agg->aggstar || list_length(agg->args) != 1) return false;
  Node *arg = reinterpret_cast<Node *>(linitial_node(TargetEntry, agg->args)->expr);
  Oid type;
  const PushdownColumn *column = scanned_column(arg, relid, columns, &type);
  if (!column) return false;
  const char *name = quoted_name(column);
  items->attnum = column_attnum(arg);
  if (agg->aggfnoid == F_COUNT_ANY) {
    items->first = psprintf("count(%s)", name);
    return true;
  }
  if (!is_integer_type(type) || column->affinity != static_cast<int>(Affinity::Integer)) return false;
  switch (agg->aggfnoid) {
    case F_SUM_INT2:
    case F_SUM_INT4:
      items->first = psprintf("sum(%s)", name);
      break;
    case F_AVG_INT2:
    case F_AVG_INT4:
      items->first = psprintf("sum(%s)", name);
      items->second = psprintf("count(%s)", name);
      break;
    case F_MIN_INT2:
    case F_MIN_INT4:
    case F_MIN_INT8:
      items->converted = psprintf("min(%s)", name);
      break;
    case F_MAX_INT2:
    case F_MAX_INT4:
    case F_MAX_INT8:
      items->converted = psprintf("max(%s)", name);
      break;
    default:
      return false;
  }
  if (!(column->rowid_alias && type == INT8OID)) {  // a rowid is a 64-bit integer
    items->guarded = column;
    items->guarded_type = type;
  }
  return true;
}

// The SQLite expression a grouping column is grouped by, or nullptr.
const char *group_item(Node *expr, Index relid, const PushdownColumns &columns) {
  Oid type;
  const PushdownColumn *column = scanned_column(expr, relid, columns, &type);
  if (!column) return nullptr;
  const char *name = quoted_name(column);
  if (is_integer_type(type) && column->affinity == static_cast<int>(Affinity::Integer)) return name;
  if ((type == TEXTOID || type == VARCHAROID) && column->affinity == static_cast<int>(Affinity::Text) &&
      column->binary_collation && columns.utf8 && OidIsValid(exprCollation(expr)) &&
      get_collation_isdeterministic(exprCollation(expr)))
    return psprintf("CAST(%s AS TEXT)", name);  // a blob groups with the text of its bytes
  return nullptr;
}

// A condition on one table of a join, qualified by its alias, with its values appended to
// *values; nullptr when it is not shipped.
const char *deparse_side_condition(PlannerInfo *root, const JoinSide &side, Expr *clause, List **values) {
  Deparse d{root, side.rel->relid, *side.columns, makeStringInfo(), *values, side.alias};
  if (!deparse(&d, clause)) return nullptr;
  *values = d.values;
  return d.sql->data;
}

// An integer comparison of a column of one table of a join with a column of the other:
// "r1"."a" = "r2"."b"; nullptr when it is not shipped.
const char *deparse_join_comparison(Expr *clause, const JoinSide &outer, const JoinSide &inner, bool *indexed) {
  if (!IsA(clause, OpExpr) || list_length(reinterpret_cast<OpExpr *>(clause)->args) != 2) return nullptr;
  OpExpr *expr = reinterpret_cast<OpExpr *>(clause);
  Node *left = static_cast<Node *>(linitial(expr->args));
  Node *right = static_cast<Node *>(lsecond(expr->args));
  bool swapped = false;
  Oid outer_type, inner_type;
  const PushdownColumn *outer_column = scanned_column(left, outer.rel->relid, *outer.columns, &outer_type);
  const PushdownColumn *inner_column = scanned_column(right, inner.rel->relid, *inner.columns, &inner_type);
  if (!outer_column || !inner_column) {
    swapped = true;
    outer_column = scanned_column(right, outer.rel->relid, *outer.columns, &outer_type);
    inner_column = scanned_column(left, inner.rel->relid, *inner.columns, &inner_type);
  }
  if (!outer_column || !inner_column || !is_integer_type(inner_type) ||
      inner_column->affinity != static_cast<int>(Affinity::Integer))
    return nullptr;
  const char *op = sqlite_operator(expr->opno, expr->inputcollid, *outer.columns, *outer_column, outer_type, swapped);
  if (!op || strcmp(op, "bytes=") == 0) return nullptr;
  *indexed = *indexed || outer_column->indexed || inner_column->indexed;
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql, "%s.", outer.alias);
  append_sqlite_identifier(&sql, outer_column->sqlite_name);
  appendStringInfo(&sql, " %s %s.", op, inner.alias);
  append_sqlite_identifier(&sql, inner_column->sqlite_name);
  return sql.data;
}

void append_condition(StringInfo conditions, const char *condition) {
  appendStringInfo(conditions, "%s(%s)", conditions->len ? " AND " : "", condition);
}

}  // namespace

bool ship_join(PlannerInfo *root, const JoinSide &outer, const JoinSide &inner, JoinType jointype,
               List *restrictlist, ShippedJoin *shipped) {
  if (!enable_pushdown || (jointype != JOIN_INNER && jointype != JOIN_LEFT)) return false;
  bool left_join = jointype == JOIN_LEFT;
  shipped->indexed = false;
  List *values = NIL;
  StringInfo where = makeStringInfo();
  StringInfo on = makeStringInfo();
  ListCell *cell;
  // each table's own conditions: the nullable table's belong to the ON clause of a LEFT JOIN
  for (const JoinSide *side : {&outer, &inner}) {
    foreach (cell, side->rel->baserestrictinfo) {
      RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
      const char *sql = rinfo->pseudoconstant ? nullptr : deparse_side_condition(root, *side, rinfo->clause, &values);
      if (!sql) return false;
      append_condition(left_join && side == &inner ? on : where, sql);
    }
  }
  // the join's: a LEFT JOIN's own clauses in ON, conditions above it in WHERE
  foreach (cell, restrictlist) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (rinfo->pseudoconstant) return false;
    const char *sql;
    if (bms_is_subset(rinfo->clause_relids, outer.rel->relids))
      sql = deparse_side_condition(root, outer, rinfo->clause, &values);
    else if (bms_is_subset(rinfo->clause_relids, inner.rel->relids))
      sql = deparse_side_condition(root, inner, rinfo->clause, &values);
    else
      sql = deparse_join_comparison(rinfo->clause, outer, inner, &shipped->indexed);
    if (!sql) return false;
    append_condition(left_join && !rinfo->is_pushed_down ? on : where, sql);
  }
  StringInfo from = makeStringInfo();
  append_sqlite_identifier(from, outer.table);
  appendStringInfo(from, " AS %s %s ", outer.alias, left_join ? "LEFT JOIN" : "JOIN");
  append_sqlite_identifier(from, inner.table);
  appendStringInfo(from, " AS %s ON %s", inner.alias, on->len ? on->data : "1");
  shipped->from = from->data;
  shipped->where = where->len ? where->data : nullptr;
  shipped->values = values;
  return true;
}

bool ship_aggregation(PlannerInfo *root, RelOptInfo *baserel, PathTarget *target, const PushdownColumns &columns,
                      ShippedAggregation *shipped) {
  Query *parse = root->parse;
  if (!enable_pushdown || parse->groupingSets || parse->havingQual) return false;
  List *converted = NIL, *others = NIL, *group_by = NIL, *group_exprs = NIL;
  List *kinds = NIL, *positions = NIL, *attnums = NIL;  // per output; positions within its list
  List *guard_attnums = NIL;
  StringInfo guard = makeStringInfo();
  ListCell *cell;
  int i = 0;
  foreach (cell, target->exprs) {
    Node *expr = static_cast<Node *>(lfirst(cell));
    Index ref = get_pathtarget_sortgroupref(target, i++);
    if (ref && get_sortgroupref_clause_noerr(ref, parse->groupClause)) {
      const char *item = group_item(expr, baserel->relid, columns);
      if (!item) return false;
      kinds = lappend_int(kinds, kOutputConverted);
      positions = lappend_int(positions, list_length(converted));
      attnums = lappend_int(attnums, column_attnum(expr));
      converted = lappend(converted, makeString(const_cast<char *>(item)));
      group_by = lappend(group_by, makeString(const_cast<char *>(item)));
      group_exprs = lappend(group_exprs, expr);
      continue;
    }
    AggregateItems items;
    if (!IsA(expr, Aggref) || !ship_aggregate(reinterpret_cast<Aggref *>(expr), baserel->relid, columns, &items))
      return false;
    kinds = lappend_int(kinds, items.converted ? kOutputConverted : items.second ? kOutputAvg : kOutputInt8);
    positions = lappend_int(positions, items.converted ? list_length(converted) : list_length(others));
    attnums = lappend_int(attnums, items.converted ? items.attnum : 0);
    if (items.converted) converted = lappend(converted, makeString(const_cast<char *>(items.converted)));
    if (items.first) others = lappend(others, makeString(const_cast<char *>(items.first)));
    if (items.second) others = lappend(others, makeString(const_cast<char *>(items.second)));
    if (items.guarded && !list_member_int(guard_attnums, items.attnum)) {
      if (guard->len) appendStringInfoString(guard, " OR ");
      append_unreadable_integer(guard, quoted_name(items.guarded), items.guarded_type);
      guard_attnums = lappend_int(guard_attnums, items.attnum);
    }
  }
  if (list_length(group_by) != list_length(parse->groupClause)) return false;  // a key not in the target
  int nconverted = list_length(converted);
  shipped->outputs = NIL;
  ListCell *kind, *position, *attnum;
  forthree(kind, kinds, position, positions, attnum, attnums) {
    int result_column = lfirst_int(position) + (lfirst_int(kind) == kOutputConverted ? 0 : nconverted);
    shipped->outputs = lappend(shipped->outputs, list_make3_int(lfirst_int(kind), result_column, lfirst_int(attnum)));
  }
  shipped->select_items = list_concat(converted, others);
  shipped->group_by = group_by;
  shipped->guard = list_length(guard_attnums) > 1 ? psprintf("(%s)", guard->data) : guard->len ? guard->data : nullptr;
  shipped->guard_attnums = guard_attnums;
  shipped->groups = group_exprs ? estimate_num_groups(root, group_exprs, baserel->rows, nullptr, nullptr) : 1.0;
  // SQLite reads an index in order to group by its column (a text key is cast, which no index has)
  Oid type;
  const PushdownColumn *key = list_length(group_exprs) == 1
                                  ? scanned_column(static_cast<Node *>(linitial(group_exprs)), baserel->relid, columns, &type)
                                  : nullptr;
  shipped->sorted_groups = group_exprs && !(key && key->indexed && is_integer_type(type));
  return true;
}

PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, const PushdownColumns &columns) {
  PushdownSplit split = {NIL, NIL, NIL};
  if (!enable_pushdown) return split;
  ListCell *cell;
  foreach (cell, clauses) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (rinfo->pseudoconstant) continue;
    Deparse d{root, baserel->relid, columns, makeStringInfo(), list_copy(split.remote_values), nullptr};
    if (!deparse(&d, rinfo->clause)) continue;  // the values it appended go with the copy
    split.remote_sql = lappend(split.remote_sql, makeString(d.sql->data));
    split.remote_values = d.values;
    split.remote_conditions = lappend(split.remote_conditions, rinfo);
  }
  return split;
}

ShippedOrder shippable_order(RelOptInfo *baserel, List *pathkeys, const PushdownColumns &columns) {
  ShippedOrder shipped = {nullptr, nullptr, nullptr};
  if (!enable_pushdown || pathkeys == NIL) return shipped;
  StringInfo order = makeStringInfo();
  StringInfo exact_order = makeStringInfo();
  StringInfo blob_probe = makeStringInfo();
  ListCell *cell;
  foreach (cell, pathkeys) {
    PathKey *key = lfirst_node(PathKey, cell);
    EquivalenceClass *ec = key->pk_eclass;
    bool by_bytes = key->pk_opfamily == TEXT_BTREE_FAM_OID;
    if (ec->ec_has_volatile || (key->pk_opfamily != INTEGER_BTREE_FAM_OID && !by_bytes)) return shipped;
    if (by_bytes && !(columns.utf8 && GetDatabaseEncoding() == PG_UTF8 && collation_is_c(ec->ec_collation)))
      return shipped;
    const PushdownColumn *column = nullptr;
    ListCell *member;
    foreach (member, ec->ec_members) {
      EquivalenceMember *em = lfirst_node(EquivalenceMember, member);
      Oid type;
      const PushdownColumn *c = em->em_is_const ? nullptr
                                                : scanned_column(reinterpret_cast<Node *>(em->em_expr), baserel->relid, columns, &type);
      if (!c) continue;
      if (by_bytes ? (type == TEXTOID || type == VARCHAROID) && c->affinity == static_cast<int>(Affinity::Text) &&
                         c->binary_collation
                   : is_integer_type(type) && c->affinity == static_cast<int>(Affinity::Integer))
        column = c;
    }
    if (!column) return shipped;
    const char *name = quoted_name(column);
    // SQLite places NULLs first in ascending order; a NULLS clause it does not need would keep
    // it from reading an index in order
    const char *nulls = column->never_null ? "" : key->pk_nulls_first ? " NULLS FIRST" : " NULLS LAST";
#if PG_VERSION_NUM >= 180000
    bool descending = key->pk_cmptype == COMPARE_GT;
#else
    bool descending = key->pk_strategy == BTGreaterStrategyNumber;
#endif
    const char *direction = descending ? " DESC" : " ASC";
    if (order->len) {
      appendStringInfoString(order, ", ");
      appendStringInfoString(exact_order, ", ");
    }
    if (by_bytes && column->indexed) {
      appendStringInfo(order, "%s%s%s", name, direction, nulls);
      appendStringInfo(exact_order, "CAST(%s AS BLOB)%s%s", name, direction, nulls);
      appendStringInfo(blob_probe, "%s%s >= x''", blob_probe->len ? " OR " : "", name);
    } else if (by_bytes) {
      appendStringInfo(order, "CAST(%s AS BLOB)%s%s", name, direction, nulls);
      appendStringInfo(exact_order, "CAST(%s AS BLOB)%s%s", name, direction, nulls);
    } else {
      appendStringInfo(order, "%s%s%s", name, direction, nulls);
      appendStringInfo(exact_order, "%s%s%s", name, direction, nulls);
    }
  }
  shipped.order = order->data;
  if (blob_probe->len) {
    shipped.exact_order = exact_order->data;
    shipped.blob_probe = blob_probe->data;
  }
  return shipped;
}

const PushdownColumn *compared_column(PlannerInfo *root, RelOptInfo *baserel, Expr *clause,
                                      const PushdownColumns &columns) {
  const PushdownColumn *column = nullptr;
  Node *value = nullptr;
  return shippable(root, clause, baserel->relid, columns, &column, &value) ? column : nullptr;
}

List *join_clauses(PlannerInfo *root, RelOptInfo *baserel, const PushdownColumns &columns) {
  if (!enable_pushdown) return NIL;
  List *candidates = generate_implied_equalities_for_column(root, baserel, is_column_member,
                                                            const_cast<PushdownColumns *>(&columns),
                                                            baserel->lateral_referencers);
  candidates = list_concat(candidates, baserel->joininfo);
  List *clauses = NIL;
  ListCell *cell;
  foreach (cell, candidates) {
    RestrictInfo *rinfo = lfirst_node(RestrictInfo, cell);
    if (!rinfo->pseudoconstant && compared_column(root, baserel, rinfo->clause, columns))
      clauses = lappend(clauses, rinfo);
  }
  return clauses;
}

}  // namespace hangar
