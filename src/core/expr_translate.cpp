// The expression translator (expr_translator.hpp) and the single-table translations built on it
// (expr_translate.hpp). What passes, and why it means the same in PostgreSQL:
//
// - Every operator node is written in parentheses, so PostgreSQL groups as SQLite did
//   (`c || 1 + 1` is `(c || 1) + 1` in SQLite).
// - + - * between numbers: the same, except that PostgreSQL computes numeric (decimal) operands
//   exactly where SQLite rounds through binary floats; a difference then shows as a refused
//   build or a failed verification, never as a silently different stored value. A REAL literal
//   beside integers is cast to double precision, as SQLite computes it.
// - / and % yield NULL for a zero divisor in SQLite and fail in PostgreSQL: the divisor is
//   wrapped in NULLIF(x, 0). / on numeric (decimal) and % on anything but integers differ and
//   are refused.
// - || joins text and integers (whose text is the same in both); reals, booleans, dates and
//   blobs are spelled differently and refused.
// - Comparisons pass between values of the same kind; text ordering gets COLLATE "C" (SQLite's
//   BINARY is byte order); a boolean beside 0 or 1 compares with false or true. Text against
//   numbers, dates against text and JSON are refused: SQLite decides those by storage class and
//   affinity. Columns declared with COLLATE NOCASE or RTRIM refuse every comparison.
// - LIKE, GLOB, REGEXP, MATCH, JSON operators, row values, parameters and RAISE are refused.
// - CAST follows SQLite's rules: to INTEGER truncates toward zero; to TEXT only from text and
//   integers; to REAL from numbers; to BLOB from blobs and text (as UTF-8 bytes).
#include "core/expr_translate.hpp"

#include <cstdint>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/sql_parser.hpp"
#include "core/type_map.hpp"
#include "core/type_names.hpp"
#include "core/cpp_only.hpp"
#include "core/datetime_parse.hpp"
#include "core/value_parse.hpp"

namespace hangar {

namespace {

bool is_zero_or_one(const Typed &t) { return t.literal && t.kind == ValueKind::Integer && (t.sql == "0" || t.sql == "1"); }

// A string literal that reads as a number the same way in both systems (digits, one point).
bool is_numeric_text(const std::string &s) {
  size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
  bool digits = false, point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') digits = true;
    else if (s[i] == '.' && !point) point = true;
    else return false;
  }
  return digits;
}

bool binary_collation(const Typed &t) { return t.collation.empty() || t.collation == "BINARY"; }

// SQLite reads a number literal as an INTEGER when it is a whole decimal or hex number within 64
// bits (hex as two's complement: 0xFFFFFFFFFFFFFFFF is -1), else as a REAL.
Typed number_literal(const Token &t) {
  const std::string &text = t.value;
  Typed out;
  out.literal = true;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    if (text.size() > 18) refuse("the hex literal " + text + " (beyond 64 bits)");
    uint64_t bits = std::strtoull(text.c_str() + 2, nullptr, 16);
    int64_t value = static_cast<int64_t>(bits);
    out.sql = value < 0 ? "(" + std::to_string(value) + ")" : std::to_string(value);
    out.kind = ValueKind::Integer;
    return out;
  }
  bool whole = text.find_first_of(".eE") == std::string::npos;
  if (whole) {
    // Beyond 2^63-1 SQLite reads a REAL; refuse rather than guess its rounding.
    std::string digits = text.substr(text.find_first_not_of('0') == std::string::npos ? text.size() - 1
                                                                                        : text.find_first_not_of('0'));
    if (digits.size() > 19 || (digits.size() == 19 && digits > "9223372036854775807"))
      refuse("the integer literal " + text + " (beyond 64 bits, SQLite reads it as a REAL)");
    out.sql = digits;
    out.kind = ValueKind::Integer;
    return out;
  }
  out.sql = (text[0] == '.' ? "0" : "") + text;
  if (out.sql.back() == '.') out.sql += "0";
  out.kind = ValueKind::Real;
  return out;
}

}  // namespace

namespace {

struct KindNames {
  const char *label;
  const char *phrase;
};

KindNames kind_names(ValueKind k) {
  switch (k) {
    case ValueKind::Boolean: return {"boolean", "a boolean"};
    case ValueKind::Integer: return {"integer", "an integer"};
    case ValueKind::Real: return {"real", "a real"};
    case ValueKind::Decimal: return {"numeric", "a numeric"};
    case ValueKind::Text: return {"text", "a text"};
    case ValueKind::Enum: return {"enum", "an enum"};
    case ValueKind::Blob: return {"blob", "a blob"};
    case ValueKind::Temporal: return {"date/time", "a date/time"};
    case ValueKind::Json: return {"json", "a JSON"};
    case ValueKind::Uuid: return {"uuid", "a uuid"};
    case ValueKind::Null: return {"null", "a NULL"};
    default: return {"value", "an untyped"};
  }
}

}  // namespace

const char *kind_label(ValueKind kind) { return kind_names(kind).label; }
const char *kind_phrase(ValueKind kind) { return kind_names(kind).phrase; }

Typed ExprTranslator::value(const Expr &e) {
  switch (e.kind) {
    case ExprKind::Literal: return literal(e);
    case ExprKind::Parameter: refuse("a query parameter");
    case ExprKind::Column: return column(e);
    case ExprKind::Unary: return unary(e);
    case ExprKind::Binary: return binary(e);
    case ExprKind::IsNull: {
      Typed operand = value(*e.args[0]);
      Typed t = typed("(" + operand.sql + (e.negated ? " IS NOT NULL)" : " IS NULL)"), ValueKind::Boolean);
      t.aggregate = operand.aggregate;
      return t;
    }
    case ExprKind::Like: refuse(e.op + " (its case and pattern rules differ in PostgreSQL)");
    case ExprKind::Between: return between(e);
    case ExprKind::InList: return in_list(e);
    case ExprKind::InSelect: return in_select(e);
    case ExprKind::InTable: refuse("IN with a table name");
    case ExprKind::Exists: {
      Typed sub = scope_.subquery(*e.query);
      return typed("(EXISTS (" + sub.sql + "))", ValueKind::Boolean);
    }
    case ExprKind::Subquery: return subquery(e);
    case ExprKind::Function: {
      if (!is_listed_function(e.name)) refuse("the function " + e.name + "()");
      std::vector<Typed> args;
      for (const ExprPtr &a : e.args) args.push_back(value(*a));
      return translate_function(e, std::move(args), *this);
    }
    case ExprKind::Cast: return cast(e);
    case ExprKind::Case: return case_expression(e);
    case ExprKind::Collate: return collate(e);
    case ExprKind::Row: refuse("a row value");
    case ExprKind::Raise: refuse("RAISE");
  }
  refuse("an expression");
}

Typed ExprTranslator::truth(const Typed &t) const {
  switch (t.kind) {
    case ValueKind::Boolean:
      return t;
    case ValueKind::Null:
      return typed("NULL::boolean", ValueKind::Boolean);
    case ValueKind::Integer:
    case ValueKind::Real:
    case ValueKind::Decimal:
      if (is_zero_or_one(t)) return typed(t.sql == "1" ? "true" : "false", ValueKind::Boolean);
      return typed("(" + t.sql + " <> 0)", ValueKind::Boolean, t.aggregate);
    default:
      refuse(std::string(kind_phrase(t.kind)) + " value used as a condition");
  }
}

Typed ExprTranslator::ordered(const Typed &t) const {
  if (!binary_collation(t)) refuse("ordering under COLLATE " + t.collation);
  if (t.kind == ValueKind::Text) {
    Typed c = t;
    c.sql = "(" + t.sql + " COLLATE \"C\")";
    return c;
  }
  if (t.kind == ValueKind::Enum) {
    Typed c = t;
    c.sql = "(CAST(" + t.sql + " AS text) COLLATE \"C\")";
    c.kind = ValueKind::Text;
    return c;
  }
  if (t.kind == ValueKind::Json || t.kind == ValueKind::Uuid || t.kind == ValueKind::Temporal ||
      t.kind == ValueKind::Other || t.kind == ValueKind::Unknown)
    refuse(std::string("ordering by ") + kind_phrase(t.kind) + " value (SQLite orders its stored text or numbers)");
  return t;
}

Typed ExprTranslator::literal(const Expr &e) {
  const Token &t = e.token;
  Typed out;
  out.literal = true;
  switch (t.kind) {
    case TokenKind::Number: return number_literal(t);
    case TokenKind::String:
      out.sql = quote_.literal(t.value);
      out.kind = ValueKind::Text;
      return out;
    case TokenKind::Blob:
      out.sql = "'\\x" + t.value + "'::bytea";
      out.kind = ValueKind::Blob;
      return out;
    default:
      break;
  }
  if (t.is_word("NULL")) {
    out.sql = "NULL";
    out.kind = ValueKind::Null;
  } else if (t.is_word("TRUE") || t.is_word("FALSE")) {
    out.sql = t.is_word("TRUE") ? "true" : "false";
    out.kind = ValueKind::Boolean;
  } else {
    refuse(ascii_upper(t.text) + " outside a DEFAULT");
  }
  return out;
}

Typed ExprTranslator::column(const Expr &e) {
  std::optional<Typed> resolved = scope_.column(e);
  if (resolved) return *resolved;
  // SQLite reads a double-quoted name that names nothing as a string literal.
  if (e.names.size() == 1 && e.token.kind == TokenKind::QuotedIdentifier && e.token.text[0] == '"') {
    Typed s = typed(quote_.literal(e.names[0]), ValueKind::Text);
    s.literal = true;
    return s;
  }
  std::string full;
  for (const std::string &n : e.names) full += (full.empty() ? "" : ".") + n;
  refuse("the name \"" + full + "\", which is not a column in scope");
}

Typed ExprTranslator::unary(const Expr &e) {
  if (e.op == "NOT") {
    Typed c = condition(*e.args[0]);
    Typed t = typed("(NOT " + c.sql + ")", ValueKind::Boolean);
    t.aggregate = c.aggregate;
    return t;
  }
  Typed operand = value(*e.args[0]);
  if (e.op == "+") return operand;  // a no-op in SQLite, whatever the value
  if (e.op == "~") {
    if (operand.kind != ValueKind::Integer && operand.kind != ValueKind::Null) refuse("~ on a non-integer value");
    operand.sql = "(~" + operand.sql + ")";
    operand.literal = false;
    return operand;
  }
  if (!is_numeric_kind(operand.kind) && operand.kind != ValueKind::Null)
    refuse(std::string("unary minus on ") + kind_phrase(operand.kind) + " value");
  bool literal = operand.literal;
  operand.sql = "(-" + operand.sql + ")";
  operand.literal = literal;  // -5 is still a number literal for the rules below
  return operand;
}

Typed ExprTranslator::binary(const Expr &e) {
  const std::string &op = e.op;
  if (op == "AND" || op == "OR") {
    Typed l = condition(*e.args[0]), r = condition(*e.args[1]);
    Typed t = typed("(" + l.sql + " " + op + " " + r.sql + ")", ValueKind::Boolean);
    t.aggregate = l.aggregate || r.aggregate;
    return t;
  }
  if (op == "->" || op == "->>") refuse("the JSON operator " + op);
  Typed l = value(*e.args[0]), r = value(*e.args[1]);
  Typed out;
  if (op == "||") out = concatenation(l, r);
  else if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") out = arithmetic(op, l, r);
  else if (op == "&" || op == "|" || op == "<<" || op == ">>") out = bitwise(op, l, r, *e.args[1]);
  else out = comparison(op, l, r);
  out.aggregate = l.aggregate || r.aggregate;
  return out;
}

Typed ExprTranslator::arithmetic(const std::string &op, Typed l, Typed r) {
  for (const Typed *t : {&l, &r})
    if (!is_numeric_kind(t->kind) && t->kind != ValueKind::Null)
      refuse("arithmetic (" + op + ") on " + kind_phrase(t->kind) + " value");
  bool decimal = l.kind == ValueKind::Decimal || r.kind == ValueKind::Decimal;
  bool real = l.kind == ValueKind::Real || r.kind == ValueKind::Real;
  if (op == "%" && (decimal || real)) refuse("% on non-integer values (SQLite converts them to integers)");
  // With a double precision operand PostgreSQL computes in double precision too, as SQLite does;
  // numeric divided by numeric or integer would be exact in PostgreSQL, a binary float in SQLite.
  if (op == "/" && decimal && !real) refuse("division of numeric values (SQLite divides binary floats)");
  // A REAL literal is a double, as in SQLite (PostgreSQL would read it as numeric).
  for (Typed *t : {&l, &r})
    if (t->literal && t->kind == ValueKind::Real) t->sql = "CAST(" + t->sql + " AS double precision)";
  std::string divisor = (op == "/" || op == "%") ? "NULLIF(" + r.sql + ", 0)" : r.sql;
  ValueKind kind = real ? ValueKind::Real : decimal ? ValueKind::Decimal : l.kind == ValueKind::Null ? r.kind : l.kind;
  if (l.kind == ValueKind::Null && r.kind == ValueKind::Null) kind = ValueKind::Null;
  return typed("(" + l.sql + " " + op + " " + divisor + ")", kind);
}

Typed ExprTranslator::concatenation(Typed l, Typed r) {
  for (Typed *t : {&l, &r}) {
    if (t->kind == ValueKind::Enum || t->kind == ValueKind::Integer || t->kind == ValueKind::Null)
      t->sql = "CAST(" + t->sql + " AS text)";
    else if (t->kind != ValueKind::Text)
      refuse(std::string("|| with ") + kind_phrase(t->kind) + " value (PostgreSQL spells it differently)");
  }
  return typed("(" + l.sql + " || " + r.sql + ")", ValueKind::Text);
}

Typed ExprTranslator::bitwise(const std::string &op, const Typed &l, const Typed &r, const Expr &right) {
  for (const Typed *t : {&l, &r})
    if (t->kind != ValueKind::Integer && t->kind != ValueKind::Null)
      refuse("the bit operator " + op + " on " + kind_phrase(t->kind) + " value");
  if (op == "<<" || op == ">>") {
    // SQLite shifts the other way for negative counts and gives 0 beyond 63; PostgreSQL does not.
    bool small_literal = right.kind == ExprKind::Literal && r.kind == ValueKind::Integer && r.sql.size() <= 2 &&
                         std::atoi(r.sql.c_str()) < 64;
    if (!small_literal) refuse("a shift by anything but a literal count from 0 to 63");
  }
  return typed("(" + l.sql + " " + op + " " + r.sql + ")", ValueKind::Integer);
}

// SQL as a refusal quotes it: up to 60 bytes, cut at a character's start.
static std::string shortened(const std::string &sql) {
  if (sql.size() <= 60) return sql;
  size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(sql[cut]) & 0xC0) == 0x80) --cut;
  return sql.substr(0, cut) + "...";
}

void ExprTranslator::make_comparable(Typed &l, Typed &r, bool ordering) const {
  if (!binary_collation(l) || !binary_collation(r))
    refuse("a comparison under COLLATE " + (binary_collation(l) ? r.collation : l.collation));
  if (l.kind == ValueKind::Null || r.kind == ValueKind::Null) return;
  for (auto [a, b] : {std::pair<Typed *, Typed *>{&l, &r}, {&r, &l}}) {
    if (a->kind == ValueKind::Boolean && is_zero_or_one(*b)) {
      b->sql = b->sql == "1" ? "true" : "false";
      b->kind = ValueKind::Boolean;
    }
    // A string literal that reads as a number compares as that number in both systems.
    if (is_numeric_kind(a->kind) && b->literal && b->kind == ValueKind::Text &&
        is_numeric_text(b->sql.substr(1, b->sql.size() - 2)))
      b->kind = a->kind;
    // SQLite gives a literal beside a TEXT column that column's affinity: disc = 0 is disc = '0'.
    if ((a->kind == ValueKind::Text || a->kind == ValueKind::Enum) && a->column && b->literal &&
        b->kind == ValueKind::Integer) {
      std::string digits;
      for (char ch : b->sql)
        if (ch != '(' && ch != ')') digits += ch;
      b->sql = quote_.literal(digits);
      b->kind = ValueKind::Text;
    }
    // An enum against text: compare its label, as SQLite compares the stored text.
    if (a->kind == ValueKind::Enum && b->kind == ValueKind::Text && (ordering || !b->literal)) {
      a->sql = "CAST(" + a->sql + " AS text)";
      a->kind = ValueKind::Text;
    }
  }
  bool same = l.kind == r.kind || (is_numeric_kind(l.kind) && is_numeric_kind(r.kind)) ||
              (l.kind == ValueKind::Enum && r.kind == ValueKind::Text && r.literal) ||
              (r.kind == ValueKind::Enum && l.kind == ValueKind::Text && l.literal);
  if (!same)
    refuse(std::string("a comparison of ") + kind_phrase(l.kind) + " value, " + shortened(l.sql) + ", with " +
           kind_phrase(r.kind) + " value, " + shortened(r.sql) + " (SQLite compares by storage class and affinity)");
  if (l.kind == ValueKind::Temporal && (l.literal || r.literal || l.pg_type != r.pg_type))
    refuse("a comparison of date/time values of different forms (SQLite compares their text)");
  if (l.kind == ValueKind::Json || l.kind == ValueKind::Uuid || l.kind == ValueKind::Other ||
      l.kind == ValueKind::Unknown)
    refuse(std::string("a comparison of ") + kind_phrase(l.kind) + " values");
  if (ordering && l.kind == ValueKind::Enum) refuse("ordering enum values");
}

Typed ExprTranslator::comparison(const std::string &op, Typed l, Typed r) {
  bool ordering = op == "<" || op == "<=" || op == ">" || op == ">=";
  make_comparable(l, r, ordering);
  if (ordering && l.kind == ValueKind::Text) l.sql = l.sql + " COLLATE \"C\"";
  std::string pg_op = op == "IS" ? "IS NOT DISTINCT FROM" : op == "IS NOT" ? "IS DISTINCT FROM" : op;
  return typed("(" + l.sql + " " + pg_op + " " + r.sql + ")", ValueKind::Boolean);
}

Typed ExprTranslator::between(const Expr &e) {
  Typed x = value(*e.args[0]), low = value(*e.args[1]), high = value(*e.args[2]);
  Typed x2 = x;
  make_comparable(x, low, true);
  make_comparable(x2, high, true);
  std::string subject = x.kind == ValueKind::Text || x2.kind == ValueKind::Text ? x.sql + " COLLATE \"C\"" : x.sql;
  Typed t = typed("(" + subject + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + low.sql + " AND " + high.sql + ")",
                  ValueKind::Boolean);
  t.aggregate = x.aggregate || low.aggregate || high.aggregate;
  return t;
}

Typed ExprTranslator::in_list(const Expr &e) {
  Typed x = value(*e.args[0]);
  if (e.args.size() == 1) return typed(e.negated ? "true" : "false", ValueKind::Boolean);  // x IN ()
  std::string items;
  for (size_t i = 1; i < e.args.size(); ++i) {
    Typed subject = x, item = value(*e.args[i]);
    make_comparable(subject, item, false);
    if (i == 1) x = subject;  // an enum read as text stays so for the whole list
    items += (i > 1 ? ", " : "") + item.sql;
  }
  return typed("(" + x.sql + (e.negated ? " NOT IN (" : " IN (") + items + "))", ValueKind::Boolean);
}

Typed ExprTranslator::in_select(const Expr &e) {
  Typed x = value(*e.args[0]);
  Typed sub = scope_.subquery(*e.query);
  Typed column = sub;
  column.literal = false;
  make_comparable(x, column, false);
  return typed("(" + x.sql + (e.negated ? " NOT IN (" : " IN (") + sub.sql + "))", ValueKind::Boolean);
}

Typed ExprTranslator::subquery(const Expr &e) {
  Typed sub = scope_.subquery(*e.query);
  sub.sql = "(" + sub.sql + ")";
  sub.literal = false;
  return sub;
}

Typed ExprTranslator::case_expression(const Expr &e) {
  std::string sql = "CASE";
  size_t i = 0;
  Typed operand;
  if (e.has_operand) {
    operand = value(*e.args[i++]);
    sql += " " + operand.sql;
  }
  size_t end = e.args.size() - (e.has_else ? 1 : 0);
  ValueKind result = ValueKind::Null;
  std::string result_type;
  bool aggregate = operand.aggregate;
  auto add_result = [&](const Typed &t) {
    aggregate = aggregate || t.aggregate;
    if (t.kind == ValueKind::Null) return;
    if (result == ValueKind::Null) {
      result = t.kind;
      result_type = t.pg_type;
    } else if (result != t.kind) {
      if (is_numeric_kind(result) && is_numeric_kind(t.kind))
        result = result == ValueKind::Decimal || t.kind == ValueKind::Decimal ? ValueKind::Decimal : ValueKind::Real;
      else
        refuse(std::string("a CASE with ") + kind_phrase(result) + " and " + kind_phrase(t.kind) + " results");
    }
  };
  for (; i < end; i += 2) {
    if (e.has_operand) {
      Typed subject = operand, when = value(*e.args[i]);
      make_comparable(subject, when, false);
      sql += " WHEN " + when.sql;
    } else {
      Typed when = condition(*e.args[i]);
      aggregate = aggregate || when.aggregate;
      sql += " WHEN " + when.sql;
    }
    Typed then = value(*e.args[i + 1]);
    add_result(then);
    sql += " THEN " + then.sql;
  }
  if (e.has_else) {
    Typed otherwise = value(*e.args.back());
    add_result(otherwise);
    sql += " ELSE " + otherwise.sql;
  }
  Typed t = typed("(" + sql + " END)", result);
  t.pg_type = result_type;
  t.aggregate = aggregate;
  return t;
}

// SQLite casts by the affinity of the type name (lang_expr.html#castexpr).
Typed ExprTranslator::cast(const Expr &e) {
  Typed x = value(*e.args[0]);
  const std::string what = "CAST of " + std::string(kind_phrase(x.kind)) + " value AS " + e.type_name;
  if (x.kind == ValueKind::Null) return x;
  switch (affinity_of(e.type_name)) {
    case Affinity::Integer:
      if (x.kind == ValueKind::Integer) return typed("CAST(" + x.sql + " AS bigint)", ValueKind::Integer);
      if (x.kind == ValueKind::Boolean) return typed("CAST(CAST(" + x.sql + " AS integer) AS bigint)", ValueKind::Integer);
      if (x.kind == ValueKind::Real || x.kind == ValueKind::Decimal)
        return typed("CAST(trunc(" + x.sql + ") AS bigint)", ValueKind::Integer);  // SQLite truncates
      break;
    case Affinity::Text:
      if (x.kind == ValueKind::Text) return x;
      if (x.kind == ValueKind::Integer || x.kind == ValueKind::Enum)
        return typed("CAST(" + x.sql + " AS text)", ValueKind::Text);
      break;
    case Affinity::Real:
      if (is_numeric_kind(x.kind)) return typed("CAST(" + x.sql + " AS double precision)", ValueKind::Real);
      break;
    case Affinity::Blob:
      if (x.kind == ValueKind::Blob) return x;
      if (x.kind == ValueKind::Text) return typed("convert_to(" + x.sql + ", 'UTF8')", ValueKind::Blob);
      break;
    case Affinity::Numeric:
      if (x.kind == ValueKind::Integer) return x;
      break;
  }
  refuse(what);
}

Typed ExprTranslator::collate(const Expr &e) {
  Typed x = value(*e.args[0]);
  x.collation = ascii_upper(e.name);
  return x;
}

namespace {

// One table's columns, found through a ColumnLookup; columns are written unqualified.
class TableScope : public NameScope {
 public:
  TableScope(const ColumnLookup &columns, const PgQuoter &quote) : columns_(columns), quote_(quote) {}

  std::optional<Typed> column(const Expr &ref) override {
    if (ref.names.size() != 1 || !columns_) return std::nullopt;
    const ResolvedColumn *c = columns_(ref.names[0]);
    if (!c) return std::nullopt;
    Typed t = typed(quote_.ident(c->pg_name), kind_of_pg_type(c->pg_type, c->is_enum));
    t.pg_type = c->pg_type;
    t.collation = c->collation;
    t.column = !c->no_affinity;  // a column without a type compares its values by storage class
    return t;
  }
  Typed subquery(const SelectStmt &) override { refuse("a subquery"); }

 private:
  const ColumnLookup &columns_;
  const PgQuoter &quote_;
};

Translation run(const std::vector<Token> &tokens, ExprContext context, const ColumnLookup &columns,
                const PgQuoter &quote, bool as_condition) {
  Translation result;
  try {
    ExprPtr e = parse_sql_expression(tokens);
    TableScope scope(columns, quote);
    ExprTranslator translator(context, scope, quote);
    Typed t = as_condition ? translator.condition(*e) : translator.value(*e);
    if (t.aggregate) refuse("an aggregate function");
    result.ok = true;
    result.sql = t.sql;
    result.kind = t.kind;
  } catch (const Refusal &r) {
    result.reason = r.reason;
  } catch (const Error &error) {
    result.reason = std::string("SQL that does not parse (") + error.what() + ")";
  }
  return result;
}

// The current UTC time, as SQLite's CURRENT_TIMESTAMP means it, for a column of pg_type.
Translation current_time_default(const std::string &which, const std::string &pg_type) {
  const std::string utc_now = "timezone('utc', now())";
  Translation t;
  t.ok = true;
  if (pg_type.rfind("timestamptz", 0) == 0)
    t.sql = "now()";
  else if (pg_type.rfind("timestamp", 0) == 0)
    t.sql = utc_now;
  else if (pg_type == "date")
    t.sql = "(" + utc_now + ")::date";
  else if (pg_type.rfind("time", 0) == 0)
    t.sql = "(" + utc_now + ")::time(0)";
  else if (is_text_type(pg_type))
    t.sql = "to_char(" + utc_now + ", '" +
            (which == "CURRENT_DATE" ? "YYYY-MM-DD" : which == "CURRENT_TIME" ? "HH24:MI:SS" : "YYYY-MM-DD HH24:MI:SS") + "')";
  else {
    t.ok = false;
    t.reason = which + " as the default of a " + pg_type + " column";
  }
  return t;
}

// datetime('now'), date('now'), time('now'): SQLite's spelled-out forms of the three above.
bool now_function(const std::vector<Token> &tokens, std::string *which) {
  if (tokens.size() != 4 || !tokens[1].is("(") || tokens[2].kind != TokenKind::String || tokens[2].value != "now" ||
      !tokens[3].is(")"))
    return false;
  if (tokens[0].is_word("DATETIME")) *which = "CURRENT_TIMESTAMP";
  else if (tokens[0].is_word("DATE")) *which = "CURRENT_DATE";
  else if (tokens[0].is_word("TIME")) *which = "CURRENT_TIME";
  else return false;
  return true;
}

// Strips parentheses that enclose the whole token list.
std::vector<Token> unwrap(std::vector<Token> tokens) {
  while (tokens.size() >= 2 && tokens.front().is("(") && tokens.back().is(")")) {
    int depth = 0;
    bool encloses = true;
    for (size_t k = 0; k + 1 < tokens.size(); ++k) {
      if (tokens[k].is("(")) ++depth;
      if (tokens[k].is(")")) --depth;
      if (depth == 0) encloses = false;
    }
    if (!encloses) break;
    tokens = std::vector<Token>(tokens.begin() + 1, tokens.end() - 1);
  }
  return tokens;
}

// col IN ( v , v , ... ) where every v satisfies `literal`.
bool in_list(const std::vector<Token> &check, std::string *column, std::vector<std::string> *values,
             bool (*literal)(const Token &)) {
  std::vector<Token> t = unwrap(check);
  if (t.size() < 5 || !t[0].is_name() || !t[1].is_word("IN") || !t[2].is("(") || !t.back().is(")")) return false;
  values->clear();
  for (size_t k = 3; k + 1 < t.size(); ++k) {
    if ((k - 3) % 2 == 1) {
      if (!t[k].is(",")) return false;
      continue;
    }
    if (!literal(t[k])) return false;
    values->push_back(t[k].value);
  }
  *column = t[0].value;
  return !values->empty();
}

}  // namespace

Translation translate_expression(const std::vector<Token> &tokens, ExprContext context, const ColumnLookup &columns,
                                 const PgQuoter &quote) {
  return run(tokens, context, columns, quote, false);
}

Translation translate_condition(const std::vector<Token> &tokens, ExprContext context, const ColumnLookup &columns,
                                const PgQuoter &quote) {
  return run(tokens, context, columns, quote, true);
}

// A number literal as SQLite stores it in an INTEGER or NUMERIC column: a 64-bit integer's (or a
// hex literal's) own text; anything else is a REAL to SQLite, a double, which the column keeps as
// an integer when it is one (5.8214167175916336e16 is 58214167175916336) and otherwise as that
// double, whose shortest digits PostgreSQL should read (not the literal's, which may hold more).
std::string sqlite_number_text(const std::string &literal) {
  int64_t whole;
  bool hex = literal.find("0x") != std::string::npos || literal.find("0X") != std::string::npos;
  if (hex || parse_int64(literal, &whole) == ParseStatus::Ok) return literal;
  double d = strtod(literal.c_str(), nullptr);
  if (std::isinf(d) || std::isnan(d)) return literal;
  if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return std::to_string(static_cast<int64_t>(d));
  char digits[40];  // past 2^53 in scientific notation, whose digits are the shortest (2^63 is 9.223372036854776e+18)
  bool large = std::fabs(d) >= 9007199254740992.0;
  *(large ? std::to_chars(digits, digits + sizeof digits - 1, d, std::chars_format::scientific)
          : std::to_chars(digits, digits + sizeof digits - 1, d)).ptr = '\0';
  return digits;
}

// Whether a decimal's value is the double SQLite reads it as: at most 15 significant digits and no
// exponent ("0.00", "19.99"; not "0.1000000000000000055511" or "1e20"), so the literal can stay.
bool same_as_double(const std::string &number) {
  if (number.find_first_of("eExX") != std::string::npos) return false;
  int significant = 0;
  bool leading = true;
  for (char c : number) {
    if (c < '0' || c > '9') continue;
    if (c != '0') leading = false;
    if (!leading) ++significant;
  }
  return significant <= 15;
}

// The number a constant is to SQLite in a column of INTEGER, REAL or NUMERIC affinity (the ones
// mapped to integer, numeric and float types), "" when none: a number literal, or text that reads
// as one, which SQLite converts as it stores it ('20240101' in a DATETIME column is a number).
std::string affinity_number(const Token &literal) {
  if (literal.kind == TokenKind::Number) return literal.text;
  DecimalShape shape;
  if (literal.kind != TokenKind::String || parse_decimal_shape(literal.value, &shape) != ParseStatus::Ok) return "";
  const char *blanks = " \t\n\v\f\r";  // what SQLite's number reading skips around the digits
  size_t first = literal.value.find_first_not_of(blanks), last = literal.value.find_last_not_of(blanks);
  return literal.value.substr(first, last - first + 1);
}

// Whether text spells NaN or an infinity as PostgreSQL's float and numeric input read it (any
// case, signed, blanks around), which SQLite keeps as text; *infinity says which.
bool spells_nan_or_infinity(const std::string &text, bool *infinity) {
  std::string word = ascii_lower(text);
  word.erase(0, word.find_first_not_of(" +-"));
  word.erase(word.find_last_not_of(' ') + 1);
  *infinity = word == "inf" || word == "infinity";
  return *infinity || word == "nan";
}

// Why PostgreSQL would read a constant default otherwise than SQLite stores it, as it reads the
// literal into the column's type: a zone a timestamp, date or time drops, a date's time or a
// time's date dropped, digits a numeric or integer column rounds away, text or a blob SQLite keeps as such; empty
// when it keeps it.
// (Values that do not read at all fail the default's step, which is reported.)
std::string changed_by_column_type(const Token &literal, const std::string &pg_type) {
  std::string shown = literal.kind == TokenKind::String ? "'" + literal.value + "'" : literal.text;
  ValueKind kind = kind_of_pg_type(pg_type);
  bool value_literal = literal.kind == TokenKind::String || literal.kind == TokenKind::Number;
  std::string number = affinity_number(literal);
  int max_chars = 0;
  if (value_literal) {
    if (sscanf(pg_type.c_str(), "varchar(%d)", &max_chars) == 1 || sscanf(pg_type.c_str(), "char(%d)", &max_chars) == 1) {
      const std::string &text = literal.kind == TokenKind::String ? literal.value : literal.text;
      int chars = 0;
      for (unsigned char byte : text) chars += (byte & 0xC0) != 0x80;
      if (chars > max_chars) return shown + " (longer than " + pg_type + " holds)";
      if (pg_type[0] == 'c' && chars < max_chars && !text.empty() && text.back() == ' ')
        return shown + " (" + pg_type + " would not keep its trailing spaces apart)";
    }
  }
  if (is_numeric_kind(kind) && value_literal) {
    if (!number.empty() && number[0] == '-' && strtod(number.c_str(), nullptr) == 0)
      return shown + " (a negative zero, which SQLite keeps or makes 0 by the column's affinity)";
    bool infinity;
    if (literal.kind == TokenKind::String && number.empty() && !spells_nan_or_infinity(literal.value, &infinity))
      return shown + " (text SQLite keeps as text, which " + pg_type + " may read as a number)";
  }
  if (literal.kind == TokenKind::Number && pg_type == "bytea")
    return shown + " (a number, which SQLite keeps as one in a BLOB column: bytea holds only bytes)";
  if (literal.kind == TokenKind::Blob && pg_type != "bytea")
    return shown + " (a blob, which SQLite keeps as one: " + pg_type + " would read its hex digits)";
  if (literal.kind == TokenKind::Number) {
    // a float column takes an infinity (translate_default)
    if (std::isinf(strtod(literal.text.c_str(), nullptr)) && kind != ValueKind::Real)
      return shown + " (SQLite reads it as an infinity)";
    int64_t whole;
    // SQLite stores a number in a text column as its own spelling of it: an integer's digits,
    // but a REAL's text PostgreSQL would not write alike (1e20 is '1.0e+20', 1.50 is '1.5')
    if (kind == ValueKind::Text && parse_int64(literal.text, &whole) != ParseStatus::Ok && literal.text.rfind("0x", 0) != 0 &&
        literal.text.rfind("0X", 0) != 0)
      return shown + " (SQLite stores a REAL's text as it spells it, which " + pg_type + " would not keep)";
  }
  if (kind == ValueKind::Temporal && literal.kind == TokenKind::String) {
    bool zoned = pg_type.rfind("timestamptz", 0) == 0 || pg_type.rfind("timetz", 0) == 0 ||
                 pg_type.find("with time zone") != std::string::npos;
    DateTimeFields f;
    DateTimeStatus status = parse_iso_datetime(literal.value, &f);
    if (status == DateTimeStatus::TooPrecise) return shown + " (" + pg_type + " would round its fraction to microseconds)";
    // text the copy would not read as this date/time (SQLite makes '20240101' a number in such
    // a column; 'now' is a word to SQLite, the time of the DDL to PostgreSQL)
    if (status != DateTimeStatus::Ok) return shown + " (not date/time text read alike by SQLite's rows and " + pg_type + ")";
    if (f.has_zone && !zoned) return shown + " (" + pg_type + " would drop its zone)";
    if (pg_type == "date" && f.has_time) return shown + " (a date would drop its time of day)";
    if (pg_type.rfind("time", 0) == 0 && pg_type.rfind("timestamp", 0) != 0 && f.has_date)
      return shown + " (" + pg_type + " would drop its date)";
    return "";
  }
  bool integer = kind == ValueKind::Integer;
  if ((kind != ValueKind::Decimal && !integer) || !value_literal) return "";
  if (kind == ValueKind::Decimal && !number.empty() && sqlite_number_text(number) != number &&
      std::fabs(strtod(number.c_str(), nullptr)) >= 9007199254740992.0)
    return shown + " (a REAL beyond 2^53, which SQLite stores as an integer or as a REAL by the column's affinity)";
  if (!number.empty() && std::isinf(strtod(number.c_str(), nullptr)))
    return shown + " (SQLite reads it as an infinity)";
  std::string text = number.empty() ? literal.value : sqlite_number_text(number);
  DecimalShape shape;
  if (parse_decimal_shape(text, &shape) != ParseStatus::Ok) {
    // an infinity's spelling, which an integer or a numeric(p,s) does not hold
    bool infinity = false;
    spells_nan_or_infinity(text, &infinity);
    return infinity && (integer || pg_type.find('(') != std::string::npos) ? shown + " (out of range for type " + pg_type + ")" : "";
  }
  int precision = -1, scale = 0;
  if (integer) precision = 1000;  // digits are not the question for an integer, the fraction is
  else if (sscanf(pg_type.c_str(), "numeric(%d,%d)", &precision, &scale) < 1) precision = -1;
  DecimalFit fit = decimal_fits(shape, precision, scale);
  if (fit == DecimalFit::NeedsRounding) return shown + " (" + pg_type + " would round it)";
  if (fit == DecimalFit::Overflows) return shown + " (out of range for type " + pg_type + ")";
  int64_t whole;
  if (integer && !shape.zero) {
    int64_t limit = pg_type == "smallint" ? 32767 : pg_type == "integer" ? 2147483647 : INT64_MAX;
    if (parse_int64(text, &whole) != ParseStatus::Ok || whole > limit || whole < -limit - 1)
      return shown + " (out of range for type " + pg_type + ")";
  }
  return "";
}

// A text default of a column with INTEGER, REAL or NUMERIC affinity that SQLite stores as a number
// ('+1' and ' 7 ' are the integers 1 and 7), for a column PostgreSQL types as text, where the
// copy writes such a number's text: an integer's digits; a REAL is refused, since its text is
// SQLite's own spelling (5.0 for '5' under REAL affinity, 1.0e+20), which the default cannot
// know. nullopt when SQLite keeps the text as it is.
std::optional<Translation> text_stored_as_number(const Token &literal, Affinity affinity, const PgQuoter &quote) {
  if (affinity != Affinity::Integer && affinity != Affinity::Real && affinity != Affinity::Numeric) return std::nullopt;
  std::string number = affinity_number(literal);
  if (number.empty()) return std::nullopt;
  Translation t;
  std::string stored = sqlite_number_text(number);
  int64_t whole;
  if (affinity != Affinity::Real && parse_int64(stored, &whole) == ParseStatus::Ok) {
    t.ok = true;
    t.sql = quote.literal(std::to_string(whole));
  } else {
    t.reason = "the value '" + literal.value + "' (text SQLite stores as a REAL by the column's affinity, whose text it spells its own way)";
  }
  return t;
}

Translation translate_default(const std::vector<Token> &raw, const std::string &pg_type, Affinity affinity,
                              const PgQuoter &quote) {
  std::vector<Token> tokens = unwrap(raw);
  Translation none;
  none.ok = true;
  if (tokens.empty() || (tokens.size() == 1 && tokens[0].is_word("NULL"))) return none;
  std::string which;
  if (tokens.size() == 1 && (tokens[0].is_word("CURRENT_TIMESTAMP") || tokens[0].is_word("CURRENT_DATE") ||
                             tokens[0].is_word("CURRENT_TIME")))
    return current_time_default(ascii_upper(tokens[0].text), pg_type);
  if (now_function(tokens, &which)) return current_time_default(which, pg_type);
  if (pg_type == "boolean" && tokens.size() == 1) {
    const std::string v = ascii_upper(tokens[0].value);
    Translation b;
    b.ok = true;
    if (v == "1" || v == "TRUE" || v == "T") b.sql = "true";
    else if (v == "0" || v == "FALSE" || v == "F") b.sql = "false";
    else {
      b.ok = false;
      b.reason = "the value " + tokens[0].text + " as a boolean default";
    }
    return b;
  }
  // a constant: a literal, or a number with its sign
  // SQLite's TRUE and FALSE are the integers 1 and 0 (a text column stores '1')
  if (tokens.size() == 1 && (tokens[0].is_word("TRUE") || tokens[0].is_word("FALSE"))) {
    tokens[0].text = tokens[0].value = tokens[0].is_word("TRUE") ? "1" : "0";
    tokens[0].kind = TokenKind::Number;
  }
  std::optional<Token> constant;
  if (tokens.size() == 1) constant = tokens[0];
  if (tokens.size() == 2 && (tokens[0].is("-") || tokens[0].is("+")) && tokens[1].kind == TokenKind::Number) {
    constant = tokens[1];
    constant->text = tokens[0].text + tokens[1].text;
  }
  if (constant) {
    ValueKind kind = kind_of_pg_type(pg_type);
    if (constant->kind == TokenKind::String && kind == ValueKind::Text)
      if (std::optional<Translation> stored = text_stored_as_number(*constant, affinity, quote)) return *stored;
    std::string changed = changed_by_column_type(*constant, pg_type);
    if (!changed.empty()) {
      Translation refused;
      refused.reason = "the value " + changed;
      return refused;
    }
    // a number, as SQLite stores it: no negative zero (an integral REAL is stored as an integer);
    // in an integer or numeric column the double a REAL literal is, not the literal's digits
    std::string number = affinity_number(*constant);
    if (!number.empty() && constant->kind == TokenKind::String && kind == ValueKind::Json) {
      Translation json;  // a JSON column has NUMERIC affinity: text that reads as a number is one
      if (std::isinf(strtod(number.c_str(), nullptr))) {  // an infinite REAL, which JSON cannot hold
        json.reason = "the value '" + constant->value + "' (text SQLite stores as an infinite REAL, which JSON cannot hold)";
        return json;
      }
      json.ok = true;
      json.sql = quote.literal(sqlite_number_text(number));
      return json;
    }
    if (!number.empty() && is_numeric_kind(kind)) {
      Translation value;
      value.ok = true;
      double d = strtod(number.c_str(), nullptr);
      // a literal below the smallest double is 0 to SQLite; PostgreSQL refuses to read it
      std::string mantissa = number.substr(0, number.find_first_of("eE"));
      bool underflow = d == 0 && mantissa.find_first_of("123456789") != std::string::npos;
      value.sql = underflow                     ? "0"
                  : std::isinf(d)               ? (d > 0 ? "'Infinity'" : "'-Infinity'")
                  : kind != ValueKind::Real ? sqlite_number_text(number)
                                            : number;
      if (value.sql[0] == '-') value.sql = "(" + value.sql + ")";
      // a literal that means the double SQLite reads is kept as written (a framework's '0.00')
      bool kept_as_written = !std::isinf(d) && !underflow && same_as_double(number);
      if (!kept_as_written && (value.sql != number || constant->kind == TokenKind::String)) return value;
    }
  }
  // A DEFAULT names no columns in SQLite; a double-quoted word in it is a string.
  return run(tokens, ExprContext::Default, nullptr, quote, false);
}

bool enum_check(const std::vector<Token> &check, std::string *column, std::vector<std::string> *labels) {
  std::vector<std::string> all;
  if (!in_list(check, column, &all, [](const Token &t) { return t.kind == TokenKind::String; })) return false;
  labels->clear();
  for (const std::string &label : all) {
    bool seen = false;
    for (const std::string &l : *labels) seen = seen || l == label;
    if (!seen) labels->push_back(label);
  }
  return true;
}

bool boolean_check(const std::vector<Token> &check, std::string *column) {
  std::vector<std::string> values;
  if (!in_list(check, column, &values,
               [](const Token &t) { return t.kind == TokenKind::Number && (t.text == "0" || t.text == "1"); }))
    return false;
  return values.size() == 2 && values[0] != values[1];
}

}  // namespace hangar
