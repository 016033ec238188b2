// Translation of SQLite expressions (CHECK, DEFAULT, generated columns, index terms, partial
// index conditions, view bodies) into PostgreSQL text. A translation either means the same in
// PostgreSQL or is refused with a reason: functions, operators and comparisons whose semantics
// differ (LIKE's case rules, GLOB, typeof, date functions other than 'now') are never guessed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/pg_names.hpp"
#include "core/sql_tokenizer.hpp"

namespace hangar {

struct ResolvedColumn {
  std::string pg_name;
  std::string pg_type;  // the PostgreSQL type of the target column
};

// Finds a column by SQLite name (case-insensitively); nullptr when there is none.
using ColumnLookup = std::function<const ResolvedColumn *(const std::string &sqlite_name)>;

struct Translation {
  bool ok = false;
  std::string sql;     // PostgreSQL text when ok (empty for "no default")
  std::string reason;  // why not, when !ok
};

// A scalar expression over the columns of one table (CHECK, generated column, index term,
// partial-index condition). Names must resolve to columns.
Translation translate_expression(const std::vector<Token> &tokens, const ColumnLookup &columns,
                                 const PgQuoter &quote);

// A column DEFAULT for a column of PostgreSQL type pg_type. CURRENT_TIMESTAMP and
// datetime('now') keep SQLite's meaning (the current UTC time); 0/1 and '0'/'1' on a boolean
// become false/true; DEFAULT NULL gives an empty sql (no default).
Translation translate_default(const std::vector<Token> &tokens, const std::string &pg_type,
                              const ColumnLookup &columns, const PgQuoter &quote);

// The body of a view (the tokens after AS). Names that match a table or column of the database
// (case-insensitively; `names` returns their quoted PostgreSQL spelling, or "" for other names)
// are written that way, other quoted names are quoted again; whether the result is valid is for
// PostgreSQL to say when the view is created.
Translation translate_view_body(const std::vector<Token> &tokens,
                                const std::function<std::string(const std::string &)> &names,
                                const ColumnLookup &boolean_columns, const PgQuoter &quote);

// For CHECK (col IN ('a', 'b', ...)): the column and the labels; false for any other shape.
bool enum_check(const std::vector<Token> &check, std::string *column, std::vector<std::string> *labels);
// For CHECK (col IN (0, 1)): the column; false for any other shape.
bool boolean_check(const std::vector<Token> &check, std::string *column);

}  // namespace hangar
