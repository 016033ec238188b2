// Parser for the CREATE TABLE and CREATE INDEX statements SQLite keeps in sqlite_schema
// (grammar: https://www.sqlite.org/lang_createtable.html, lang_createindex.html). It recovers
// what only the DDL text says: constraint names, CHECK/DEFAULT/generated expressions, foreign-key
// actions and deferrability, index expressions and partial-index conditions. Column types,
// NOT NULL and primary keys are also available from PRAGMA table_xinfo, which stays the authority.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/sql_tokenizer.hpp"

namespace hangar {

struct ForeignKeyReference {
  std::string parent_table;
  std::vector<std::string> parent_columns;  // empty: the parent's primary key
  std::string on_delete;                    // CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION ("" = default)
  std::string on_update;
  bool deferrable = false;
  bool initially_deferred = false;
};

enum class ConstraintKind { PrimaryKey, Unique, Check, ForeignKey };

struct TableConstraint {
  ConstraintKind kind;
  std::string name;                  // from CONSTRAINT name; empty when unnamed
  std::vector<std::string> columns;  // constrained columns (PRIMARY KEY, UNIQUE, FOREIGN KEY)
  std::vector<Token> check;          // CHECK expression, without its outer parentheses
  ForeignKeyReference references;
  bool column_level = false;         // written inside a column definition
};

struct ColumnDefinition {
  std::string name;
  std::string type;                  // declared type as written, single-spaced
  std::vector<Token> default_value;  // DEFAULT literal or expression (inner tokens); empty when none
  std::vector<Token> generated;      // AS (expression); empty when not generated
  bool generated_stored = false;
  std::string collation;             // COLLATE name, upper-cased; empty when none
  bool autoincrement = false;
};

struct TableDefinition {
  std::string name;
  std::vector<ColumnDefinition> columns;
  std::vector<TableConstraint> constraints;  // column-level ones included, in order of appearance
  bool without_rowid = false;
  bool strict = false;
  // "ON CONFLICT IGNORE of UNIQUE (code)": conflict clauses other than ABORT, which PostgreSQL's
  // constraints cannot have
  std::vector<std::string> conflict_clauses;
};

struct IndexTerm {
  std::vector<Token> expression;
  std::string column;     // set when the term is a plain column name
  std::string collation;  // upper-cased; empty when none
  bool descending = false;
};

struct IndexDefinition {
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<IndexTerm> terms;
  std::vector<Token> where;  // partial-index condition; empty when none
};

struct ViewDefinition {
  std::string name;
  std::vector<std::string> columns;  // the optional column list; empty when none
  std::vector<Token> body;           // the SELECT after AS
};

// All three throw hangar::Error (42601) on text they cannot read.
TableDefinition parse_create_table(std::string_view sql);
IndexDefinition parse_create_index(std::string_view sql);
ViewDefinition parse_create_view(std::string_view sql);

// Joins tokens back into SQL text (single spaces, none inside parentheses or before commas).
std::string tokens_text(const std::vector<Token> &tokens);

}  // namespace hangar
