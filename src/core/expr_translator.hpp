// The expression translator shared by the single-table translations (expr_translate.cpp) and
// the view translation (view_translate.cpp): a walk over the syntax tree that writes every
// operator in parentheses, in SQLite's grouping, and lets through only what PostgreSQL computes
// the same way for the kinds of values involved (value_kinds.hpp). Anything else throws
// Refusal with a reason the migration report shows. Functions are decided in sql_functions.cpp.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/pg_names.hpp"
#include "core/sql_ast.hpp"
#include "core/value_kinds.hpp"

namespace hangar {

// Where an expression is used. Values a user reads (generated columns, views, defaults) must be
// equal to what SQLite computes; conditions PostgreSQL checks against every existing row when it
// builds them (CHECK constraints, indexes) may keep the framework's own spelling where SQLite's
// meaning is narrower (upper/lower on ASCII only), since a row they judge differently makes
// the build fail, and that is reported.
enum class ExprContext { Check, Index, Default, Generated, View };

struct Refusal {
  std::string reason;  // a noun phrase: "the function typeof()", "LIKE (its case rules differ)"
};

[[noreturn]] inline void refuse(std::string reason) { throw Refusal{std::move(reason)}; }

// A translated piece of SQL that is not a literal.
inline Typed typed(std::string sql, ValueKind kind, bool aggregate = false) {
  Typed t;
  t.sql = std::move(sql);
  t.kind = kind;
  t.aggregate = aggregate;
  return t;
}

// How refusals name a kind of value: bare, as a function's argument ("lower(integer)"), or
// with its article, in a phrase ("a comparison of an integer value").
const char *kind_label(ValueKind kind);
const char *kind_phrase(ValueKind kind);

// How names and subqueries resolve: a single table's columns, or a view's FROM scopes.
class NameScope {
 public:
  virtual ~NameScope() = default;
  // The column a Column expression names, translated; nullopt when nothing of that name is in
  // scope (a double-quoted name then reads as a string, as SQLite reads it).
  virtual std::optional<Typed> column(const Expr &ref) = 0;
  // A subquery (views only): its SQL and the kind of its first column.
  virtual Typed subquery(const SelectStmt &query) = 0;
};

class ExprTranslator {
 public:
  ExprTranslator(ExprContext context, NameScope &scope, const PgQuoter &quote)
      : context_(context), scope_(scope), quote_(quote) {}

  Typed value(const Expr &e);
  // A value used as a condition: booleans as they are, numbers as "<> 0" (SQLite's truth).
  Typed condition(const Expr &e) { return truth(value(e)); }
  Typed truth(const Typed &t) const;
  // For ORDER BY and aggregates: the value with COLLATE "C" when it is text.
  Typed ordered(const Typed &t) const;
  // Checks that l and r compare the same way in both systems, or refuses; adapts 0/1 beside
  // booleans, numeric strings beside numbers, and enums beside text.
  void make_comparable(Typed &l, Typed &r, bool ordering) const;
  ExprContext context() const { return context_; }
  const PgQuoter &quote() const { return quote_; }

 private:
  Typed literal(const Expr &e);
  Typed column(const Expr &e);
  Typed unary(const Expr &e);
  Typed binary(const Expr &e);
  Typed arithmetic(const std::string &op, Typed l, Typed r);
  Typed concatenation(Typed l, Typed r);
  Typed bitwise(const std::string &op, const Typed &l, const Typed &r, const Expr &right);
  Typed comparison(const std::string &op, Typed l, Typed r);
  Typed between(const Expr &e);
  Typed in_list(const Expr &e);
  Typed in_select(const Expr &e);
  Typed case_expression(const Expr &e);
  Typed cast(const Expr &e);
  Typed collate(const Expr &e);
  Typed subquery(const Expr &e);

  ExprContext context_;
  NameScope &scope_;
  const PgQuoter &quote_;
};

// sql_functions.cpp: whether a function is on the allow-list at all, and a function call whose
// arguments are translated already.
bool is_listed_function(const std::string &name);
Typed translate_function(const Expr &call, std::vector<Typed> args, ExprTranslator &translator);

}  // namespace hangar
