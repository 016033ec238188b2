// Translation of a SQLite view body (a SELECT) into PostgreSQL, with the expression rules of
// expr_translator.hpp. Every relation a view reads must be a table or view migrated from the same
// file (or a WITH name of the query): it is written schema-qualified, so nothing else in the
// database (pg_catalog.pg_authid, objects planted in a schema on a search_path) can be read
// through a migrated view. Columns are written qualified by their FROM item; SELECT * is spelled
// out in SQLite's column order; NULL ordering, text ordering (COLLATE "C"), NATURAL joins and
// SQLite's comma joins are written out so that PostgreSQL returns the same rows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/pg_names.hpp"
#include "core/sql_tokenizer.hpp"
#include "core/value_kinds.hpp"

namespace hangar {

struct RelationColumn {
  std::string sqlite_name;
  std::string pg_name;
  std::string pg_type;    // may be empty for a view's columns
  ValueKind kind = ValueKind::Unknown;
  std::string collation;  // the SQLite column's declared collation; empty for BINARY
  bool no_affinity = false;  // declared without a type: SQLite gives what it meets no affinity
};

struct Relation {
  std::string pg_qualified;  // schema-qualified, quoted
  std::vector<RelationColumn> columns;
  int rowid_alias = -1;      // the column SQLite's rowid names, -1 when none
  bool not_created = false;  // a view of the file that does not translate
};

// A migrated table or view of the file by SQLite name (case-insensitively); nullptr when none.
using RelationLookup = std::function<const Relation *(const std::string &sqlite_name)>;

struct ViewTranslation {
  bool ok = false;
  std::string sql;                      // the SELECT, when ok
  std::string reason;                   // why not, when !ok
  std::vector<RelationColumn> columns;  // the view's columns (names as SQLite gives them, kinds)
};

// column_names: the view's columns as SQLite names them (PRAGMA table_xinfo), in order.
ViewTranslation translate_view(const std::vector<Token> &body, const std::vector<std::string> &column_names,
                               const RelationLookup &relations, const PgQuoter &quote);

}  // namespace hangar
