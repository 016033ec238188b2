// The syntax tree of SQLite expressions and SELECT statements, as core/sql_parser reads them
// from the SQL text in sqlite_schema (CHECK, DEFAULT, generated columns, index terms, views).
// Operators keep SQLite's grouping, so a translation that writes every node in parentheses means
// what SQLite meant, whatever PostgreSQL's own precedence is. Plain data, no behaviour.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/sql_tokenizer.hpp"

namespace hangar {

struct SelectStmt;

enum class ExprKind {
  Literal,    // token: a Number, String, Blob, or the words NULL, TRUE, FALSE, CURRENT_*
  Parameter,  // token: ?, ?1, :name
  Column,     // names: [table .] column (a leading schema name is kept too)
  Unary,      // op: "-", "+", "~", "NOT"; args[0]
  Binary,     // op: "||", "->", "->>", "*", "/", "%", "+", "-", "&", "|", "<<", ">>", "<", "<=",
              //     ">", ">=", "=", "<>", "IS", "IS NOT", "AND", "OR"; args[0], args[1]
  IsNull,     // negated: NOT NULL / NOTNULL / IS NOT NULL; args[0]
  Like,       // op: LIKE, GLOB, REGEXP, MATCH; negated; args: operand, pattern [, escape]
  Between,    // negated; args: operand, low, high
  InList,     // negated; args: operand, then the list
  InSelect,   // negated; args[0] operand; query
  InTable,    // negated; args[0] operand; names: the table SQLite reads (x IN t)
  Exists,     // query
  Subquery,   // query (a scalar subquery)
  Function,   // name; args; star: f(*); distinct: f(DISTINCT x); window: OVER or FILTER follows
  Cast,       // args[0]; type_name
  Case,       // has_operand: args[0] is the CASE operand; then WHEN, THEN pairs; has_else: last is ELSE
  Collate,    // args[0]; name: the collation as written
  Row,        // (a, b, ...): a row value
  Raise       // RAISE(...) in a trigger
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind;
  Token token{TokenKind::Punctuation, "", ""};  // Literal, Parameter; Column: its first name as written
  std::string op;
  std::string name;                              // Function, Collate
  std::string type_name;                         // Cast
  std::vector<std::string> names;                // Column, InTable
  std::vector<ExprPtr> args;
  std::unique_ptr<SelectStmt> query;
  bool negated = false;
  bool star = false;
  bool distinct = false;
  bool window = false;
  bool has_operand = false;
  bool has_else = false;

  explicit Expr(ExprKind k) : kind(k) {}
};

enum class JoinKind { Comma, Inner, Cross, Left, Right, Full };

// One item of a FROM clause and how it joins the items before it.
struct FromItem {
  JoinKind join = JoinKind::Comma;    // how it joins what comes before (ignored for the first)
  bool natural = false;
  ExprPtr on;                         // ON condition
  std::vector<std::string> using_columns;
  // What it reads: exactly one of a table, a subquery, a parenthesised join or a function.
  std::string schema;                 // schema of a table, when written
  std::string table;                  // table or view name
  std::unique_ptr<SelectStmt> subquery;
  std::vector<FromItem> nested;       // (a JOIN b)
  bool table_function = false;        // name(args): json_each(...) and friends
  std::string alias;                  // empty when none
};

struct ResultColumn {
  bool star = false;        // * or table.*
  std::string star_table;   // table.* : the table; empty for a bare *
  ExprPtr expr;
  std::string alias;        // empty when none
};

struct SelectCore {
  bool distinct = false;
  std::vector<ResultColumn> columns;
  std::vector<FromItem> from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  bool window = false;                     // a WINDOW clause
  std::vector<std::vector<ExprPtr>> rows;  // VALUES (...), (...): set instead of columns
};

struct OrderTerm {
  ExprPtr expr;
  bool descending = false;
  int nulls = 0;  // 0 as the system orders them, 1 NULLS FIRST, 2 NULLS LAST
};

struct CommonTable {
  std::string name;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStmt> query;
};

struct SelectStmt {
  bool recursive = false;
  std::vector<CommonTable> with;
  std::vector<SelectCore> cores;
  std::vector<std::string> compound;  // between cores: UNION, UNION ALL, INTERSECT, EXCEPT
  std::vector<OrderTerm> order_by;
  ExprPtr limit;
  ExprPtr offset;
};

}  // namespace hangar
