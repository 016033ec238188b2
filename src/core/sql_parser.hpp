// A parser for SQLite's expressions and SELECT statements (grammar: lang_expr.html,
// lang_select.html), with SQLite's own operator precedence (parse.y). It reads what the schema
// keeps as text: CHECK and DEFAULT expressions, generated columns, index terms, partial-index
// conditions and view bodies. It accepts more than the translator translates, so a refusal can
// name what SQLite meant instead of failing on syntax.
#pragma once

#include <memory>
#include <vector>

#include "core/sql_ast.hpp"

namespace hangar {

// Both throw hangar::Error (42601) on text they cannot read, or when tokens remain after it.
ExprPtr parse_sql_expression(const std::vector<Token> &tokens);
std::unique_ptr<SelectStmt> parse_sql_select(const std::vector<Token> &tokens);

}  // namespace hangar
