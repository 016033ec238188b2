// View translation (see view_translate.hpp): a walk over the parsed SELECT that keeps one scope
// per SELECT (its FROM items, the names USING and NATURAL merge, its result columns) chained to
// the enclosing one for correlated subqueries, and resolves every name itself, as SQLite does,
// before writing it the way PostgreSQL reads it the same:
//
// - FROM names resolve to the file's migrated relations (schema-qualified) or to WITH names;
//   anything else refuses the view. Every FROM item gets an explicit alias.
// - A comma join is written CROSS JOIN (SQLite groups all joins left to right; PostgreSQL binds
//   commas looser than JOIN), a NATURAL join as USING over the columns SQLite matches (names
//   compared case-insensitively), a LEFT JOIN without ON as ON true.
// - SELECT * and t.* are spelled out in SQLite's column order.
// - ORDER BY writes NULLS FIRST/LAST as SQLite orders them (NULLs first ascending) and orders
//   text by COLLATE "C"; a compound SELECT is wrapped to order by its columns that way.
// - SQLite lets WHERE, GROUP BY and HAVING use result aliases: their expression is written there.
// - LIMIT and OFFSET must be integer literals; a negative LIMIT (SQLite: none) is left out.
#include "core/view_translate.hpp"

#include <optional>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/expr_translator.hpp"
#include "core/join.hpp"
#include "core/sql_parser.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

struct RangeVar {
  std::string name;  // how SQLite refers to it: its alias, or its name as written
  std::string ref;   // its alias in PostgreSQL, quoted
  std::vector<RelationColumn> columns;
  int rowid_alias = -1;
};

struct Output {
  std::string name;
  Typed value;
};

struct Scope {
  const Scope *outer = nullptr;
  std::vector<RangeVar> vars;
  std::vector<std::string> merged;               // USING / NATURAL columns, lower-case
  const std::vector<Output> *outputs = nullptr;  // result columns, once translated
  bool prefer_outputs = false;                   // ORDER BY: result aliases before input columns
};

struct CommonTableDef {
  std::string name;
  std::vector<RelationColumn> columns;
};

bool is_rowid_name(const std::string &name) {
  return ascii_iequals(name, "rowid") || ascii_iequals(name, "oid") || ascii_iequals(name, "_rowid_");
}

// A column of var by its SQLite name, compared case-insensitively.
const RelationColumn *find_column_plain(const RangeVar &var, const std::string &name) {
  for (const RelationColumn &c : var.columns)
    if (ascii_iequals(c.sqlite_name, name)) return &c;
  return nullptr;
}

// The same, where a rowid spelling also names the table's INTEGER PRIMARY KEY.
const RelationColumn *find_column(const RangeVar &var, const std::string &name) {
  if (const RelationColumn *c = find_column_plain(var, name)) return c;
  if (is_rowid_name(name) && var.rowid_alias >= 0) return &var.columns[static_cast<size_t>(var.rowid_alias)];
  return nullptr;
}

// A column that carries a translated value's kind, type and collation.
RelationColumn column_of(std::string sqlite_name, std::string pg_name, const Typed &value) {
  RelationColumn c;
  c.sqlite_name = std::move(sqlite_name);
  c.pg_name = std::move(pg_name);
  c.kind = value.kind;
  c.pg_type = value.pg_type;
  c.collation = value.collation;
  return c;
}

// A LIMIT or OFFSET: a non-negative integer literal; nullopt for a negative one (no limit).
std::optional<std::string> limit_literal(const Expr &e, const char *what) {
  if (e.kind == ExprKind::Literal && e.token.kind == TokenKind::Number &&
      e.token.text.find_first_not_of("0123456789") == std::string::npos)
    return e.token.text;
  if (e.kind == ExprKind::Unary && e.op == "-" && e.args[0]->kind == ExprKind::Literal &&
      e.args[0]->token.kind == TokenKind::Number)
    return std::nullopt;
  refuse(std::string("a ") + what + " other than an integer literal");
}

class ViewTranslator : public NameScope {
 public:
  ViewTranslator(const RelationLookup &relations, const PgQuoter &quote)
      : relations_(relations), quote_(quote), expr_(ExprContext::View, *this, quote) {}

  std::string select(const SelectStmt &s, const Scope *outer, std::vector<Output> *outputs) {
    if (s.recursive) refuse("a recursive WITH");
    ctes_.emplace_back();
    std::string sql;
    for (const CommonTable &cte : s.with) sql += (sql.empty() ? "WITH " : ", ") + common_table(cte, outer);
    if (!sql.empty()) sql += " ";
    bool compound = s.cores.size() > 1;
    // UNION, INTERSECT and EXCEPT compare rows as DISTINCT does
    const std::string *deduplicating = nullptr;
    for (const std::string &op : s.compound)
      if (op != "UNION ALL") deduplicating = &op;
    for (size_t i = 0; i < s.cores.size(); ++i) {
      if (i) sql += " " + s.compound[i - 1] + " ";
      std::vector<Output> core_outputs;
      sql += select_core(s.cores[i], outer, &core_outputs, compound ? nullptr : &s.order_by);
      if (i == 0) *outputs = core_outputs;
      else if (core_outputs.size() != outputs->size())
        refuse("a compound SELECT whose parts have different numbers of columns");
      if (deduplicating)
        for (const Output &o : core_outputs) folded_refused(o.value, deduplicating->c_str());
    }
    if (compound && !s.order_by.empty()) sql = compound_order(sql, s.order_by, *outputs);
    if (s.limit) {
      std::optional<std::string> limit = limit_literal(*s.limit, "LIMIT");
      if (limit) sql += " LIMIT " + *limit;
    }
    if (s.offset) {
      std::optional<std::string> offset = limit_literal(*s.offset, "OFFSET");
      if (offset) sql += " OFFSET " + *offset;
    }
    ctes_.pop_back();
    return sql;
  }

  std::optional<Typed> column(const Expr &ref) override {
    std::vector<std::string> names = ref.names;
    if (names.size() == 3) {
      if (!ascii_iequals(names[0], "main")) refuse("the column " + names[0] + "." + names[1] + "." + names[2]);
      names.erase(names.begin());
    }
    if (names.size() == 2) {
      for (const Scope *s = scope_; s; s = s->outer)
        for (const RangeVar &var : s->vars)
          if (ascii_iequals(var.name, names[0])) {
            const RelationColumn *c = find_column(var, names[1]);
            if (!c) refuse("the column \"" + names[0] + "." + names[1] + "\", which does not exist");
            return typed_column(var.ref + "." + quote_.ident(c->pg_name), *c);
          }
      return std::nullopt;
    }
    const std::string &name = names[0];
    for (const Scope *s = scope_; s; s = s->outer) {
      if (s->prefer_outputs)
        if (const Output *o = output_named(*s, name)) return o->value;
      const RangeVar *found = nullptr;
      const RelationColumn *column = nullptr;
      int matches = 0;
      for (const RangeVar &var : s->vars)
        if (const RelationColumn *c = find_column(var, name)) {
          if (!found) found = &var, column = c;
          ++matches;
        }
      if (matches > 1) {
        if (!is_merged(*s, name)) refuse("the ambiguous column name \"" + name + "\"");
        return typed_column(quote_.ident(column->pg_name), *column);
      }
      if (found) return typed_column(found->ref + "." + quote_.ident(column->pg_name), *column);
      if (const Output *o = output_named(*s, name)) return o->value;
    }
    return std::nullopt;
  }

  Typed subquery(const SelectStmt &query) override {
    std::vector<Output> outputs;
    std::string sql = select(query, scope_, &outputs);
    if (outputs.empty()) refuse("a subquery without columns");
    Typed t = outputs[0].value;
    t.sql = sql;
    t.literal = false;
    t.aggregate = false;
    return t;
  }

 private:
  static Typed typed_column(std::string sql, const RelationColumn &c) {
    Typed t;
    t.sql = std::move(sql);
    t.kind = c.kind;
    t.pg_type = c.pg_type;
    t.collation = c.collation;
    t.column = !c.no_affinity;  // a column without a type compares its values by storage class
    return t;
  }

  static const Output *output_named(const Scope &s, const std::string &name) {
    if (!s.outputs) return nullptr;
    for (const Output &o : *s.outputs)
      if (ascii_iequals(o.name, name)) return &o;
    return nullptr;
  }

  static bool is_merged(const Scope &s, const std::string &name) {
    for (const std::string &m : s.merged)
      if (m == ascii_lower(name)) return true;
    return false;
  }

  std::string common_table(const CommonTable &cte, const Scope *outer) {
    std::vector<Output> outputs;
    std::string body = select(*cte.query, outer, &outputs);
    if (!cte.columns.empty() && cte.columns.size() != outputs.size())
      refuse("a WITH table whose column list does not match its SELECT");
    CommonTableDef def;
    def.name = cte.name;
    std::vector<std::string> quoted;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string &name = cte.columns.empty() ? outputs[i].name : cte.columns[i];
      RelationColumn c = column_of(name, name, outputs[i].value);
      quoted.push_back(quote_.ident(c.pg_name));
      def.columns.push_back(c);
    }
    ctes_.back().push_back(def);
    return quote_.ident(cte.name) + " (" + join(quoted) + ") AS (" + body + ")";
  }

  std::string select_core(const SelectCore &core, const Scope *outer, std::vector<Output> *outputs,
                          const std::vector<OrderTerm> *order_by) {
    if (core.window) refuse("a WINDOW clause");
    Scope scope;
    scope.outer = outer;
    const Scope *saved = scope_;
    scope_ = &scope;
    std::string sql;
    if (!core.rows.empty()) {
      sql = values(core, outputs);
    } else {
      std::string from = core.from.empty() ? "" : " FROM " + from_list(core.from, scope);
      std::vector<std::string> columns;
      for (size_t i = 0; i < core.columns.size(); ++i) result_column(core.columns[i], scope, &columns, outputs);
      scope.outputs = outputs;
      if (core.distinct)
        for (const Output &o : *outputs) folded_refused(o.value, "DISTINCT");
      sql = std::string("SELECT ") + (core.distinct ? "DISTINCT " : "") + join(columns) + from;
      if (core.where) sql += " WHERE " + plain(expr_.condition(*core.where), "WHERE").sql;
      if (!core.group_by.empty()) {
        std::vector<std::string> groups;
        for (const ExprPtr &g : core.group_by)
          groups.push_back(folded_refused(plain(expr_.value(*g), "GROUP BY"), "GROUP BY").sql);
        sql += " GROUP BY " + join(groups);
      }
      if (core.having) sql += " HAVING " + expr_.condition(*core.having).sql;
    }
    if (order_by && !order_by->empty()) {
      scope.outputs = outputs;
      scope.prefer_outputs = true;
      std::vector<std::string> terms;
      for (const OrderTerm &term : *order_by) {
        const Expr &e = *term.expr;
        bool position = e.kind == ExprKind::Literal && e.token.kind == TokenKind::Number;
        Typed t = position ? output_at(*outputs, e.token.text) : expr_.value(e);
        terms.push_back(order_term(t, term));
      }
      sql += " ORDER BY " + join(terms);
    }
    scope_ = saved;
    return sql;
  }

  // SQLite groups and drops duplicates under a value's collation: 'A' and 'a' are one group
  // under NOCASE, two in PostgreSQL.
  static Typed folded_refused(Typed t, const char *clause) {
    if (!t.collation.empty() && t.collation != "BINARY") refuse(std::string(clause) + " under COLLATE " + t.collation);
    return t;
  }

  static Typed plain(Typed t, const char *clause) {
    if (t.aggregate) refuse(std::string("an aggregate function in ") + clause);
    return t;
  }

  static Typed output_at(const std::vector<Output> &outputs, const std::string &text) {
    size_t n = text.find_first_not_of("0123456789") == std::string::npos ? std::stoul(text) : 0;
    if (n < 1 || n > outputs.size()) refuse("ORDER BY " + text + ", which is not a result column's position");
    return outputs[n - 1].value;
  }

  std::string order_term(const Typed &value, const OrderTerm &term) const {
    Typed t = expr_.ordered(value);
    int nulls = term.nulls ? term.nulls : term.descending ? 2 : 1;  // SQLite: NULLs are the smallest values
    return t.sql + (term.descending ? " DESC" : " ASC") + (nulls == 1 ? " NULLS FIRST" : " NULLS LAST");
  }

  std::string compound_order(const std::string &sql, const std::vector<OrderTerm> &order_by,
                             const std::vector<Output> &outputs) {
    std::vector<std::string> terms;
    for (const OrderTerm &term : order_by) {
      const Expr &e = *term.expr;
      const Output *o = nullptr;
      if (e.kind == ExprKind::Literal && e.token.kind == TokenKind::Number) {
        output_at(outputs, e.token.text);  // refuses a position out of range
        o = &outputs[std::stoul(e.token.text) - 1];
      } else if (e.kind == ExprKind::Column && e.names.size() == 1) {
        for (const Output &candidate : outputs)
          if (ascii_iequals(candidate.name, e.names[0])) o = &candidate;
      }
      if (!o) refuse("an ORDER BY of a compound SELECT by anything but a result column");
      Typed t = o->value;
      t.sql = "hangar_compound." + quote_.ident(o->name);
      terms.push_back(order_term(t, term));
    }
    return "SELECT * FROM (" + sql + ") AS hangar_compound ORDER BY " + join(terms);
  }

  std::string values(const SelectCore &core, std::vector<Output> *outputs) {
    std::vector<std::string> rows;
    for (size_t r = 0; r < core.rows.size(); ++r) {
      std::vector<std::string> items;
      for (size_t c = 0; c < core.rows[r].size(); ++c) {
        Typed t = plain(expr_.value(*core.rows[r][c]), "VALUES");
        if (r == 0) outputs->push_back({"column" + std::to_string(c + 1), t});
        items.push_back(t.sql);
      }
      if (items.size() != outputs->size()) refuse("VALUES rows of different lengths");
      rows.push_back("(" + join(items) + ")");
    }
    return "VALUES " + join(rows);
  }

  void result_column(const ResultColumn &rc, const Scope &scope, std::vector<std::string> *columns,
                     std::vector<Output> *outputs) {
    if (!rc.star) {
      Typed t = expr_.value(*rc.expr);
      std::string name = rc.alias;
      if (name.empty())
        name = rc.expr->kind == ExprKind::Column ? rc.expr->names.back() : "column" + std::to_string(outputs->size() + 1);
      columns->push_back(t.sql + " AS " + quote_.ident(name));
      outputs->push_back({name, t});
      return;
    }
    bool any = false;
    std::vector<std::string> seen_merged;
    for (const RangeVar &var : scope.vars) {
      if (!rc.star_table.empty() && !ascii_iequals(var.name, rc.star_table)) continue;
      any = true;
      for (const RelationColumn &c : var.columns) {
        std::string sql = var.ref + "." + quote_.ident(c.pg_name);
        if (rc.star_table.empty() && is_merged(scope, c.sqlite_name)) {
          bool seen = false;
          for (const std::string &m : seen_merged) seen = seen || ascii_iequals(m, c.sqlite_name);
          if (seen) continue;
          seen_merged.push_back(c.sqlite_name);
          sql = quote_.ident(c.pg_name);
        }
        columns->push_back(sql);
        outputs->push_back({c.sqlite_name, typed_column(sql, c)});
      }
    }
    if (!any) refuse(rc.star_table.empty() ? "SELECT * without FROM" : "the name \"" + rc.star_table + ".*\"");
  }

  std::string from_list(const std::vector<FromItem> &items, Scope &scope) {
    std::string sql;
    for (size_t i = 0; i < items.size(); ++i) {
      const FromItem &item = items[i];
      size_t left_vars = scope.vars.size();
      std::string piece = from_item(item, scope);
      if (i == 0) {
        sql = piece;
        continue;
      }
      bool constrained = item.on || !item.using_columns.empty() || item.natural;
      std::string keyword;
      switch (item.join) {
        case JoinKind::Comma:
        case JoinKind::Cross:
        case JoinKind::Inner: keyword = constrained ? " JOIN " : " CROSS JOIN "; break;
        case JoinKind::Left: keyword = " LEFT JOIN "; break;
        case JoinKind::Right: keyword = " RIGHT JOIN "; break;
        case JoinKind::Full: keyword = " FULL JOIN "; break;
      }
      std::string constraint;
      std::vector<std::string> using_columns = item.using_columns;
      if (item.natural) using_columns = natural_columns(scope, left_vars);
      if (!using_columns.empty()) {
        constraint = " USING (" + using_list(scope, left_vars, using_columns) + ")";
      } else if (item.on) {
        constraint = " ON " + plain(expr_.condition(*item.on), "ON").sql;
      } else if (item.join == JoinKind::Left || item.join == JoinKind::Right || item.join == JoinKind::Full) {
        constraint = " ON true";
      } else if (item.natural) {
        keyword = " CROSS JOIN ";  // a NATURAL join without common columns
      }
      sql += keyword + piece + constraint;
    }
    return sql;
  }

  // Columns of the item just added that SQLite finds on the left too (case-insensitively).
  static std::vector<std::string> natural_columns(const Scope &scope, size_t left_vars) {
    std::vector<std::string> common;
    for (size_t v = left_vars; v < scope.vars.size(); ++v)
      for (const RelationColumn &c : scope.vars[v].columns)
        for (size_t l = 0; l < left_vars; ++l)
          if (find_column_plain(scope.vars[l], c.sqlite_name)) {
            common.push_back(c.sqlite_name);
            break;
          }
    return common;
  }

  std::string using_list(Scope &scope, size_t left_vars, const std::vector<std::string> &names) {
    std::vector<std::string> quoted;
    for (const std::string &name : names) {
      const RelationColumn *left = nullptr, *right = nullptr;
      for (size_t v = 0; v < scope.vars.size(); ++v)
        if (const RelationColumn *c = find_column_plain(scope.vars[v], name)) (v < left_vars ? left : right) = c;
      if (!left || !right) refuse("USING (" + name + "), which is not a column on both sides");
      if (left->pg_name != right->pg_name) refuse("USING (" + name + ") over columns named differently in PostgreSQL");
      quoted.push_back(quote_.ident(left->pg_name));
      scope.merged.push_back(ascii_lower(name));
    }
    return join(quoted);
  }

  std::string from_item(const FromItem &item, Scope &scope) {
    if (item.table_function) refuse("the table-valued function " + item.table + "()");
    if (!item.nested.empty()) {
      if (!item.alias.empty()) refuse("an alias on a parenthesised join");
      return "(" + from_list(item.nested, scope) + ")";
    }
    RangeVar var;
    std::string source;
    if (item.subquery) {
      std::vector<Output> outputs;
      source = "(" + select(*item.subquery, scope.outer, &outputs) + ")";
      var.name = item.alias;
      var.ref = quote_.ident(item.alias.empty() ? "hangar_subquery_" + std::to_string(++subqueries_) : item.alias);
      for (const Output &o : outputs) var.columns.push_back(column_of(o.name, o.name, o.value));
    } else {
      if (!item.schema.empty() && !ascii_iequals(item.schema, "main"))
        refuse("the relation " + item.schema + "." + item.table + ", which is not in the file's main schema");
      var.name = item.alias.empty() ? item.table : item.alias;
      var.ref = quote_.ident(var.name);
      if (const CommonTableDef *cte = item.schema.empty() ? common_table_named(item.table) : nullptr) {
        source = quote_.ident(cte->name);
        var.columns = cte->columns;
      } else if (const Relation *rel = relations_(item.table)) {
        if (rel->not_created)
          refuse("the view \"" + item.table + "\" (not created itself: see its own row)");
        source = rel->pg_qualified;
        var.columns = rel->columns;
        var.rowid_alias = rel->rowid_alias;
      } else {
        refuse("the relation \"" + item.table + "\" (not a table or view migrated from the file)");
      }
    }
    for (const RangeVar &other : scope.vars)
      if (!var.name.empty() && ascii_iequals(other.name, var.name)) refuse("two FROM items named \"" + var.name + "\"");
    std::string sql = source + " AS " + var.ref;
    scope.vars.push_back(std::move(var));
    return sql;
  }

  const CommonTableDef *common_table_named(const std::string &name) const {
    for (auto frame = ctes_.rbegin(); frame != ctes_.rend(); ++frame)
      for (const CommonTableDef &def : *frame)
        if (ascii_iequals(def.name, name)) return &def;
    return nullptr;
  }

  const RelationLookup &relations_;
  const PgQuoter &quote_;
  ExprTranslator expr_;
  const Scope *scope_ = nullptr;
  std::vector<std::vector<CommonTableDef>> ctes_;
  int subqueries_ = 0;
};

}  // namespace

ViewTranslation translate_view(const std::vector<Token> &body, const std::vector<std::string> &column_names,
                               const RelationLookup &relations, const PgQuoter &quote) {
  ViewTranslation result;
  try {
    std::unique_ptr<SelectStmt> stmt = parse_sql_select(body);
    ViewTranslator translator(relations, quote);
    std::vector<Output> outputs;
    result.sql = translator.select(*stmt, nullptr, &outputs);
    if (outputs.size() != column_names.size())
      refuse("a SELECT of " + std::to_string(outputs.size()) + " columns where SQLite reports " +
             std::to_string(column_names.size()));
    for (size_t i = 0; i < outputs.size(); ++i)
      result.columns.push_back(column_of(column_names[i], pg_identifier(column_names[i]), outputs[i].value));
    result.ok = true;
  } catch (const Refusal &r) {
    result.sql.clear();
    result.reason = r.reason;
  } catch (const Error &error) {
    result.sql.clear();
    result.reason = std::string("SQL that does not parse (") + error.what() + ")";
  }
  return result;
}

}  // namespace hangar
