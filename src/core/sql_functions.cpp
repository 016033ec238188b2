// The allow-list of SQLite functions, keyed on name, number of arguments and the kinds of
// values they get (expr_translator.hpp). Each entry says why PostgreSQL computes the same; every
// function not listed here is refused and named in the migration report.
//
// Same meaning, same name:   abs, coalesce/ifnull, nullif, length (characters of text, bytes of
//                            blobs), trim/ltrim/rtrim (btrim...), replace, instr (strpos)
// Same meaning when written out:
//   lower/upper   SQLite folds ASCII letters only: values (generated columns, views, defaults)
//                 use translate(x, 'A..Z', 'a..z'); CHECKs and indexes keep lower()/upper(),
//                 what the app's framework creates, since PostgreSQL checks every existing row
//                 when it builds them and a row judged differently makes the build fail.
//   substr        only with a literal start >= 1 and a literal length >= 0: SQLite counts
//                 negative and zero starts from the end, PostgreSQL does not.
//   min/max       one argument: the aggregates, text under COLLATE "C"; several: SQLite's
//                 scalar forms are NULL when any argument is, unlike greatest/least.
//   iif           CASE WHEN; likely/unlikely/likelihood return their argument.
// Aggregates (views only): count, sum (booleans as 0/1), total, avg (SQLite averages in binary
// floats: double precision), group_concat (string_agg over the text of text or integers).
// Refused, among others: typeof, quote, hex, printf/format, round (half-even on floats in
// PostgreSQL), random*, the date and time functions, json*, char/unicode, soundex, window forms.
#include <string>
#include <vector>

#include "core/ascii_case.hpp"
#include "core/expr_translator.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

class Call {
 public:
  Call(const Expr &call, std::vector<Typed> args, ExprTranslator &translator)
      : expr_(call), args_(std::move(args)), tr_(translator), name_(ascii_lower(call.name)) {}

  Typed translate() {
    if (expr_.window) refuse("the window or filtered form of " + name_ + "()");
    bool aggregate_call = is_aggregate();
    if (aggregate_call && tr_.context() != ExprContext::View) refuse("the aggregate function " + name_ + "()");
    if (expr_.distinct && !aggregate_call) refuse("DISTINCT in " + name_ + "()");
    for (const Typed &a : args_)
      if (a.aggregate && aggregate_call) refuse("an aggregate inside an aggregate");
    Typed out = aggregate_call ? aggregate() : scalar();
    out.aggregate = aggregate_call;
    for (const Typed &a : args_) out.aggregate = out.aggregate || a.aggregate;
    return out;
  }

 private:
  bool is_aggregate() const {
    if (name_ == "min" || name_ == "max") return args_.size() == 1;
    return name_ == "count" || name_ == "sum" || name_ == "total" || name_ == "avg" || name_ == "group_concat";
  }

  size_t count() const { return args_.size(); }
  const Typed &arg(size_t i) const { return args_[i]; }
  ValueKind kind(size_t i) const { return args_[i].kind; }
  bool arity(size_t low, size_t high) const { return !expr_.star && count() >= low && count() <= high; }
  [[noreturn]] void refuse_call() const {
    std::string kinds;
    for (const Typed &a : args_) kinds += (kinds.empty() ? "" : ", ") + std::string(kind_label(a.kind));
    refuse("the function " + expr_.name + "(" + kinds + ")");
  }
  bool text_like(size_t i) const {
    return kind(i) == ValueKind::Text || kind(i) == ValueKind::Enum || kind(i) == ValueKind::Null;
  }
  std::string text(size_t i) const {
    return kind(i) == ValueKind::Enum ? "CAST(" + arg(i).sql + " AS text)" : arg(i).sql;
  }
  std::string list(size_t from = 0) const {
    std::string out;
    for (size_t i = from; i < count(); ++i) out += (i > from ? ", " : "") + arg(i).sql;
    return out;
  }
  // The kind several arguments share (numbers widen; NULLs take the others' kind), or refuses.
  ValueKind common_kind() const {
    ValueKind k = ValueKind::Null;
    for (const Typed &a : args_) {
      if (a.kind == ValueKind::Null || a.kind == k) continue;
      if (k == ValueKind::Null) k = a.kind;
      else if (is_numeric_kind(k) && is_numeric_kind(a.kind))
        k = k == ValueKind::Decimal || a.kind == ValueKind::Decimal ? ValueKind::Decimal : ValueKind::Real;
      else refuse_call();
    }
    return k;
  }
  std::string positive_literal(size_t i, long minimum) const {
    const Typed &a = arg(i);
    if (!a.literal || a.kind != ValueKind::Integer || a.sql.empty() || a.sql[0] == '(' ||
        std::stol(a.sql) < minimum)
      refuse("substr() with a start or length other than a literal " + std::string(minimum ? "of 1 or more" : "of 0 or more") +
             " (SQLite counts negative positions from the end)");
    return a.sql;
  }

  Typed scalar() {
    const std::string &n = name_;
    if (n == "abs" && arity(1, 1) && (is_numeric_kind(kind(0)) || kind(0) == ValueKind::Null))
      return typed("abs(" + arg(0).sql + ")", kind(0));
    if ((n == "coalesce" && arity(2, 100)) || (n == "ifnull" && arity(2, 2))) {
      ValueKind k = common_kind();
      return typed("coalesce(" + list() + ")", k);
    }
    if (n == "nullif" && arity(2, 2)) {
      Typed l = arg(0), r = arg(1);
      tr_.make_comparable(l, r, false);
      return typed("nullif(" + l.sql + ", " + r.sql + ")", kind(0));
    }
    if (n == "length" && arity(1, 1)) {
      if (text_like(0) || kind(0) == ValueKind::Blob) return typed("length(" + text(0) + ")", ValueKind::Integer);
    }
    if ((n == "lower" || n == "upper") && arity(1, 1) && text_like(0)) return case_folding(n == "lower");
    if ((n == "trim" || n == "ltrim" || n == "rtrim") && arity(1, 2) && text_like(0) && (count() == 1 || text_like(1)))
      return typed((n == "trim" ? "btrim(" : n + "(") + text(0) + (count() == 2 ? ", " + text(1) : "") + ")",
                    ValueKind::Text);
    if (n == "replace" && arity(3, 3) && text_like(0) && text_like(1) && text_like(2))
      return typed("replace(" + text(0) + ", " + text(1) + ", " + text(2) + ")", ValueKind::Text);
    if (n == "instr" && arity(2, 2)) {
      if (text_like(0) && text_like(1)) return typed("strpos(" + text(0) + ", " + text(1) + ")", ValueKind::Integer);
      if (kind(0) == ValueKind::Blob && kind(1) == ValueKind::Blob)
        return typed("position(" + arg(1).sql + " in " + arg(0).sql + ")", ValueKind::Integer);
    }
    if ((n == "substr" || n == "substring") && arity(2, 3) && (text_like(0) || kind(0) == ValueKind::Blob)) {
      std::string sql = "substr(" + text(0) + ", " + positive_literal(1, 1);
      if (count() == 3) sql += ", " + positive_literal(2, 0);
      return typed(sql + ")", kind(0) == ValueKind::Blob ? ValueKind::Blob : ValueKind::Text);
    }
    if ((n == "min" || n == "max") && arity(2, 100)) return scalar_extreme(n == "max");
    if (n == "iif" && arity(3, 3)) {
      Typed when = tr_.truth(arg(0));
      ValueKind k = Call(expr_, {arg(1), arg(2)}, tr_).common_kind();
      return typed("(CASE WHEN " + when.sql + " THEN " + arg(1).sql + " ELSE " + arg(2).sql + " END)", k);
    }
    if ((n == "likely" || n == "unlikely") && arity(1, 1)) return arg(0);
    if (n == "likelihood" && arity(2, 2)) return arg(0);
    refuse_call();
  }

  Typed case_folding(bool lower) {
    ExprContext c = tr_.context();
    if (c == ExprContext::Check || c == ExprContext::Index)
      return typed((lower ? "lower(" : "upper(") + text(0) + ")", ValueKind::Text);
    const std::string upper_letters = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'", lower_letters = "'abcdefghijklmnopqrstuvwxyz'";
    return typed("translate(" + text(0) + ", " + (lower ? upper_letters + ", " + lower_letters
                                                         : lower_letters + ", " + upper_letters) + ")",
                  ValueKind::Text);
  }

  // SQLite's scalar max(a, b, ...) is NULL when any argument is; greatest ignores NULLs.
  Typed scalar_extreme(bool greatest) {
    ValueKind k = common_kind();
    std::vector<Typed> ordered;
    for (const Typed &a : args_) ordered.push_back(tr_.ordered(a));
    std::string any_null, values;
    for (size_t i = 0; i < count(); ++i) {
      any_null += (i ? " OR " : "") + arg(i).sql + " IS NULL";
      values += (i ? ", " : "") + ordered[i].sql;
    }
    return typed("(CASE WHEN " + any_null + " THEN NULL ELSE " + (greatest ? "greatest(" : "least(") + values + ") END)",
                  k == ValueKind::Enum ? ValueKind::Text : k);
  }

  Typed aggregate() {
    const std::string &n = name_;
    std::string distinct = expr_.distinct ? "DISTINCT " : "";
    if (n == "count") {
      if (expr_.star && count() == 0) return typed("count(*)", ValueKind::Integer);
      if (arity(1, 1)) return typed("count(" + distinct + arg(0).sql + ")", ValueKind::Integer);
    }
    if ((n == "min" || n == "max") && arity(1, 1)) {
      Typed x = tr_.ordered(arg(0));
      return typed(n + "(" + distinct + x.sql + ")", x.kind);
    }
    if ((n == "sum" || n == "total" || n == "avg") && arity(1, 1)) {
      std::string x = arg(0).sql;
      ValueKind k = kind(0);
      if (k == ValueKind::Boolean) {
        x = "CAST(" + x + " AS integer)";
        k = ValueKind::Integer;
      }
      if (!is_numeric_kind(k) && k != ValueKind::Null) refuse_call();
      if (n == "sum") return typed("sum(" + distinct + x + ")", k);
      std::string as_float = "CAST(" + x + " AS double precision)";
      if (n == "total") return typed("coalesce(sum(" + distinct + as_float + "), 0)", ValueKind::Real);
      return typed("avg(" + distinct + as_float + ")", ValueKind::Real);
    }
    if (n == "group_concat" && arity(1, 2) && (count() == 1 || !expr_.distinct)) {
      ValueKind k = kind(0);
      if (!text_like(0) && k != ValueKind::Integer) refuse_call();
      if (count() == 2 && !text_like(1)) refuse_call();
      std::string separator = count() == 2 ? text(1) : "','";
      return typed("string_agg(" + distinct + "CAST(" + arg(0).sql + " AS text), " + separator + ")", ValueKind::Text);
    }
    refuse_call();
  }

  const Expr &expr_;
  std::vector<Typed> args_;
  ExprTranslator &tr_;
  std::string name_;
};

}  // namespace

bool is_listed_function(const std::string &name) {
  static const char *const kListed[] = {"abs",  "coalesce", "ifnull", "nullif", "length", "lower", "upper",  "trim",
                                        "ltrim", "rtrim",   "replace", "instr", "substr", "substring", "min", "max",
                                        "iif",  "likely",   "unlikely", "likelihood", "count", "sum", "total", "avg",
                                        "group_concat"};
  for (const char *listed : kListed)
    if (ascii_iequals(name, listed)) return true;
  return false;
}

Typed translate_function(const Expr &call, std::vector<Typed> args, ExprTranslator &translator) {
  return Call(call, std::move(args), translator).translate();
}

}  // namespace hangar
