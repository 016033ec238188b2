// Translation of the SQLite expressions that belong to one table (CHECK, DEFAULT, generated
// columns, index terms, partial-index conditions) into PostgreSQL text. A translation either
// means the same in PostgreSQL or is refused with a reason: operators are written fully
// parenthesised in SQLite's grouping, comparisons and arithmetic pass only between kinds of
// values both systems treat alike, and functions only from the allow-list in sql_functions.cpp.
// Views are translated by view_translate.hpp with the same rules.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/expr_translator.hpp"
#include "core/pg_names.hpp"
#include "core/sql_tokenizer.hpp"
#include "core/type_map.hpp"

namespace hangar {

struct ResolvedColumn {
  std::string pg_name;
  std::string pg_type;    // the PostgreSQL type of the target column
  bool is_enum = false;   // pg_type is an enum type the migration makes
  std::string collation;  // the SQLite column's declared collation, upper-case; empty for BINARY
  bool no_affinity = false;  // declared without a type: SQLite gives what it meets no affinity
};

// Finds a column by SQLite name (case-insensitively); nullptr when there is none.
using ColumnLookup = std::function<const ResolvedColumn *(const std::string &sqlite_name)>;

struct Translation {
  bool ok = false;
  std::string sql;     // PostgreSQL text when ok (empty for "no default")
  std::string reason;  // why not, when !ok
  ValueKind kind = ValueKind::Unknown;  // what the translated value is, when ok
};

// A value over the columns of one table (a generated column, an index term).
Translation translate_expression(const std::vector<Token> &tokens, ExprContext context, const ColumnLookup &columns,
                                 const PgQuoter &quote);

// A condition over the columns of one table (a CHECK, a partial index's WHERE).
Translation translate_condition(const std::vector<Token> &tokens, ExprContext context, const ColumnLookup &columns,
                                const PgQuoter &quote);

// A column DEFAULT for a column of PostgreSQL type pg_type whose SQLite column has `affinity`.
// CURRENT_TIMESTAMP and datetime('now') keep SQLite's meaning (the current UTC time); 0/1 and
// '0'/'1' on a boolean become false/true; DEFAULT NULL gives an empty sql (no default).
Translation translate_default(const std::vector<Token> &tokens, const std::string &pg_type, Affinity affinity,
                              const PgQuoter &quote);

// For CHECK (col IN ('a', 'b', ...)): the column and the distinct labels in order; false for
// any other shape.
bool enum_check(const std::vector<Token> &check, std::string *column, std::vector<std::string> *labels);
// For CHECK (col IN (0, 1)): the column; false for any other shape.
bool boolean_check(const std::vector<Token> &check, std::string *column);

}  // namespace hangar
