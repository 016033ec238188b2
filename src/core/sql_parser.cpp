// Recursive descent for SELECT, precedence climbing for expressions (see sql_parser.hpp). The
// binding powers follow the %left/%right list of SQLite's parse.y, lowest first: OR, AND, NOT,
// the equality family (= == <> != IS IN LIKE GLOB MATCH REGEXP BETWEEN ISNULL NOTNULL),
// < <= > >=, ESCAPE, & | << >>, + -, * / %, || -> ->>, COLLATE, unary ~ + -.
#include "core/sql_parser.hpp"

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/token_cursor.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

enum Power {
  kOr = 1,
  kAnd = 2,
  kNot = 3,
  kEquality = 4,
  kRelational = 5,
  kBitwise = 7,
  kAdditive = 8,
  kMultiplicative = 9,
  kConcat = 10,
  kCollate = 11,
  kUnary = 12
};

// Words that end an expression or a name list where SQLite would not take them as a name.
bool is_clause_word(const Token &t) {
  static const char *const kWords[] = {
      "FROM",   "WHERE",     "GROUP", "HAVING", "ORDER",   "LIMIT",   "OFFSET",  "UNION",  "INTERSECT", "EXCEPT",
      "WINDOW", "JOIN",      "LEFT",  "RIGHT",  "FULL",    "INNER",   "CROSS",   "NATURAL", "OUTER",    "ON",
      "USING",  "AS",        "AND",   "OR",     "NOT",     "IS",      "IN",      "LIKE",   "GLOB",      "MATCH",
      "REGEXP", "BETWEEN",   "THEN",  "WHEN",   "ELSE",    "END",     "ASC",     "DESC",   "COLLATE",   "ESCAPE",
      "ISNULL", "NOTNULL",   "SELECT", "VALUES", "INDEXED", "FILTER", "OVER",    "NULLS",  "CASE",      "DISTINCT",
      "ALL",    "WITH",      "EXISTS", "CAST",  "NULL"};
  if (t.kind != TokenKind::Word) return false;
  for (const char *w : kWords)
    if (t.is_word(w)) return true;
  return false;
}

class Parser : public TokenCursor {
 public:
  explicit Parser(const std::vector<Token> &tokens) : TokenCursor(tokens, "the expression") {}

  ExprPtr whole_expression() {
    ExprPtr e = expression(0);
    expect_end();
    return e;
  }

  std::unique_ptr<SelectStmt> whole_select() {
    std::unique_ptr<SelectStmt> s = select();
    expect_end();
    return s;
  }

 private:
  void expect_end() {
    accept(";");
    if (!at_end()) fail("unexpected \"" + peek().text + "\"");
  }
  [[noreturn]] void fail(const std::string &what) const override {
    std::string near;
    for (size_t i = pos_ >= 3 ? pos_ - 3 : 0; i < tokens_.size() && i < pos_ + 3; ++i) near += " " + tokens_[i].text;
    throw Error(sqlstate::kSyntaxError, "could not parse SQLite SQL: " + what, "Near:" + near);
  }
  // A name: an identifier in any quoting, a bare word SQLite accepts as one, or a 'string'.
  std::string name() {
    const Token &t = next();
    if (t.kind == TokenKind::QuotedIdentifier || t.kind == TokenKind::String) return t.value;
    if (t.kind == TokenKind::Word) return t.value;
    fail("expected a name, found \"" + t.text + "\"");
  }
  bool at_name() const {
    const Token &t = peek();
    return t.kind == TokenKind::QuotedIdentifier || (t.kind == TokenKind::Word && !is_clause_word(t));
  }

  static ExprPtr make(ExprKind kind) { return std::make_unique<Expr>(kind); }
  static ExprPtr binary(std::string op, ExprPtr left, ExprPtr right) {
    ExprPtr e = make(ExprKind::Binary);
    e->op = std::move(op);
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
  }

  // ---- expressions ----
  ExprPtr expression(int min_power) {
    ExprPtr left = prefix();
    for (;;) {
      ExprPtr combined = infix(left, min_power);
      if (!combined) return left;
      left = std::move(combined);
    }
  }

  ExprPtr prefix() {
    const Token &t = peek();
    if (t.is("-") || t.is("+") || t.is("~")) {
      next();
      ExprPtr e = make(ExprKind::Unary);
      e->op = t.text;
      e->args.push_back(expression(kUnary));
      return e;
    }
    if (t.is_word("NOT")) {
      next();
      ExprPtr e = make(ExprKind::Unary);
      e->op = "NOT";
      e->args.push_back(expression(kNot));
      return e;
    }
    return primary();
  }

  // The operator at the cursor, if it binds at least as tightly as min_power; else nullptr.
  ExprPtr infix(ExprPtr &left, int min_power) {
    const Token &t = peek();
    auto take_binary = [&](int power, std::string op) -> ExprPtr {
      if (power < min_power) return nullptr;
      ++pos_;
      ExprPtr right = expression(power + 1);
      return binary(std::move(op), std::move(left), std::move(right));
    };
    if (t.kind == TokenKind::Punctuation) {
      if (t.is("||")) return take_binary(kConcat, "||");
      if (t.is("->") || t.is("->>")) return take_binary(kConcat, t.text);
      if (t.is("*") || t.is("/") || t.is("%")) return take_binary(kMultiplicative, t.text);
      if (t.is("+") || t.is("-")) return take_binary(kAdditive, t.text);
      if (t.is("&") || t.is("|") || t.is("<<") || t.is(">>")) return take_binary(kBitwise, t.text);
      if (t.is("<") || t.is("<=") || t.is(">") || t.is(">=")) return take_binary(kRelational, t.text);
      if (t.is("=") || t.is("==")) return take_binary(kEquality, "=");
      if (t.is("<>") || t.is("!=")) return take_binary(kEquality, "<>");
      return nullptr;
    }
    if (t.kind != TokenKind::Word) return nullptr;
    if (t.is_word("OR")) return take_binary(kOr, "OR");
    if (t.is_word("AND")) return take_binary(kAnd, "AND");
    if (t.is_word("COLLATE")) {
      if (kCollate < min_power) return nullptr;
      next();
      ExprPtr e = make(ExprKind::Collate);
      e->name = name();
      e->args.push_back(std::move(left));
      return e;
    }
    if (kEquality < min_power) return nullptr;
    if (t.is_word("ISNULL") || t.is_word("NOTNULL")) {
      next();
      ExprPtr e = make(ExprKind::IsNull);
      e->negated = t.is_word("NOTNULL");
      e->args.push_back(std::move(left));
      return e;
    }
    if (t.is_word("IS")) {
      next();
      bool negated = accept_word("NOT");
      if (accept_word("DISTINCT")) {
        expect_word("FROM");
        negated = !negated;  // IS DISTINCT FROM is IS NOT
      }
      if (peek().is_word("NULL") && !peek(1).is(".")) {
        next();
        ExprPtr e = make(ExprKind::IsNull);
        e->negated = negated;
        e->args.push_back(std::move(left));
        return e;
      }
      return binary(negated ? "IS NOT" : "IS", std::move(left), expression(kEquality + 1));
    }
    bool negated = false;
    if (t.is_word("NOT")) {
      const Token &after = peek(1);
      if (after.is_word("NULL")) {
        pos_ += 2;
        ExprPtr e = make(ExprKind::IsNull);
        e->negated = true;
        e->args.push_back(std::move(left));
        return e;
      }
      if (!(after.is_word("IN") || after.is_word("LIKE") || after.is_word("GLOB") || after.is_word("MATCH") ||
            after.is_word("REGEXP") || after.is_word("BETWEEN")))
        return nullptr;
      next();
      negated = true;
    }
    const Token &op = peek();
    if (op.is_word("IN")) {
      next();
      return in_operator(std::move(left), negated);
    }
    if (op.is_word("LIKE") || op.is_word("GLOB") || op.is_word("MATCH") || op.is_word("REGEXP")) {
      next();
      ExprPtr e = make(ExprKind::Like);
      e->op = ascii_upper(op.text);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(expression(kEquality + 1));
      if (accept_word("ESCAPE")) e->args.push_back(expression(kEquality + 1));
      return e;
    }
    if (op.is_word("BETWEEN")) {
      next();
      ExprPtr e = make(ExprKind::Between);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(expression(kEquality + 1));
      expect_word("AND");
      e->args.push_back(expression(kEquality + 1));
      return e;
    }
    if (negated) fail("unexpected NOT");
    return nullptr;
  }

  ExprPtr in_operator(ExprPtr left, bool negated) {
    if (!accept("(")) {
      ExprPtr e = make(ExprKind::InTable);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->names.push_back(name());
      if (accept(".")) e->names.push_back(name());
      if (accept("(")) skip_balanced();
      return e;
    }
    if (starts_select()) {
      ExprPtr e = make(ExprKind::InSelect);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->query = select();
      expect(")");
      return e;
    }
    ExprPtr e = make(ExprKind::InList);
    e->negated = negated;
    e->args.push_back(std::move(left));
    if (!accept(")")) {
      do e->args.push_back(expression(0));
      while (accept(","));
      expect(")");
    }
    return e;
  }

  void skip_balanced() {
    for (int depth = 1; depth > 0;) {
      const Token &t = next();
      if (t.is("(")) ++depth;
      if (t.is(")")) --depth;
    }
  }

  bool starts_select() const { return peek().is_word("SELECT") || peek().is_word("VALUES") || peek().is_word("WITH"); }

  ExprPtr primary() {
    const Token &t = peek();
    switch (t.kind) {
      case TokenKind::Number:
      case TokenKind::String:
      case TokenKind::Blob: {
        ExprPtr e = make(ExprKind::Literal);
        e->token = next();
        return e;
      }
      case TokenKind::Parameter: {
        ExprPtr e = make(ExprKind::Parameter);
        e->token = next();
        return e;
      }
      case TokenKind::QuotedIdentifier:
        return column_or_call();
      case TokenKind::Punctuation:
        if (accept("(")) return parenthesised();
        fail("unexpected \"" + t.text + "\"");
      case TokenKind::Word:
        break;
    }
    if (t.is_word("NULL") || t.is_word("CURRENT_TIMESTAMP") || t.is_word("CURRENT_DATE") ||
        t.is_word("CURRENT_TIME") || ((t.is_word("TRUE") || t.is_word("FALSE")) && !peek(1).is("."))) {
      ExprPtr e = make(ExprKind::Literal);
      e->token = next();
      return e;
    }
    if (t.is_word("CAST") && peek(1).is("(")) return cast();
    if (t.is_word("CASE")) return case_expression();
    if (t.is_word("EXISTS") && peek(1).is("(")) {
      next();
      next();
      ExprPtr e = make(ExprKind::Exists);
      e->query = select();
      expect(")");
      return e;
    }
    if (t.is_word("RAISE") && peek(1).is("(")) {
      next();
      next();
      skip_balanced();
      return make(ExprKind::Raise);
    }
    if (is_clause_word(t) && !peek(1).is("(") && !peek(1).is(".")) fail("unexpected \"" + t.text + "\"");
    return column_or_call();
  }

  ExprPtr parenthesised() {
    if (starts_select()) {
      ExprPtr e = make(ExprKind::Subquery);
      e->query = select();
      expect(")");
      return e;
    }
    ExprPtr first = expression(0);
    if (accept(")")) return first;
    ExprPtr row = make(ExprKind::Row);
    row->args.push_back(std::move(first));
    while (accept(",")) row->args.push_back(expression(0));
    expect(")");
    return row;
  }

  ExprPtr cast() {
    next();
    next();
    ExprPtr e = make(ExprKind::Cast);
    e->args.push_back(expression(0));
    expect_word("AS");
    std::string type;
    while (!at_end() && !peek().is(")")) {
      const Token &t = next();
      if (t.is("(")) {
        type += "(";
        while (!accept(")")) type += next().text;
        type += ")";
        continue;
      }
      type += (type.empty() ? "" : " ") + t.text;
    }
    expect(")");
    e->type_name = type;
    return e;
  }

  ExprPtr case_expression() {
    next();
    ExprPtr e = make(ExprKind::Case);
    if (!peek().is_word("WHEN")) {
      e->has_operand = true;
      e->args.push_back(expression(0));
    }
    while (accept_word("WHEN")) {
      e->args.push_back(expression(0));
      expect_word("THEN");
      e->args.push_back(expression(0));
    }
    if (accept_word("ELSE")) {
      e->has_else = true;
      e->args.push_back(expression(0));
    }
    expect_word("END");
    return e;
  }

  ExprPtr column_or_call() {
    const Token &first = next();
    if (accept("(")) return call(first.value);
    ExprPtr e = make(ExprKind::Column);
    e->token = first;
    e->names.push_back(first.value);
    while (accept(".")) e->names.push_back(name());
    if (e->names.size() > 3) fail("a name with more than three parts");
    return e;
  }

  ExprPtr call(const std::string &function) {
    ExprPtr e = make(ExprKind::Function);
    e->name = function;
    if (accept("*")) {
      e->star = true;
    } else if (!peek().is(")")) {
      if (accept_word("DISTINCT"))
        e->distinct = true;
      else
        accept_word("ALL");
      do e->args.push_back(expression(0));
      while (accept(","));
      if (peek().is_word("ORDER")) {  // aggregate ORDER BY (SQLite 3.44): no translation
        e->window = true;
        while (!at_end() && !peek().is(")")) next();
      }
    }
    expect(")");
    if (accept_word("FILTER")) {
      e->window = true;
      expect("(");
      skip_balanced();
    }
    if (accept_word("OVER")) {
      e->window = true;
      if (accept("("))
        skip_balanced();
      else
        name();
    }
    return e;
  }

  // ---- SELECT ----
  std::unique_ptr<SelectStmt> select() {
    auto s = std::make_unique<SelectStmt>();
    if (accept_word("WITH")) {
      s->recursive = accept_word("RECURSIVE");
      do s->with.push_back(common_table());
      while (accept(","));
    }
    s->cores.push_back(select_core());
    for (;;) {
      std::string op;
      if (accept_word("UNION"))
        op = accept_word("ALL") ? "UNION ALL" : "UNION";
      else if (accept_word("INTERSECT"))
        op = "INTERSECT";
      else if (accept_word("EXCEPT"))
        op = "EXCEPT";
      else
        break;
      s->compound.push_back(op);
      s->cores.push_back(select_core());
    }
    if (accept_word("ORDER")) {
      expect_word("BY");
      do s->order_by.push_back(order_term());
      while (accept(","));
    }
    if (accept_word("LIMIT")) {
      s->limit = expression(0);
      if (accept_word("OFFSET")) {
        s->offset = expression(0);
      } else if (accept(",")) {  // LIMIT offset, count
        s->offset = std::move(s->limit);
        s->limit = expression(0);
      }
    }
    return s;
  }

  CommonTable common_table() {
    CommonTable cte;
    cte.name = name();
    if (accept("(")) {
      do cte.columns.push_back(name());
      while (accept(","));
      expect(")");
    }
    expect_word("AS");
    if (accept_word("NOT")) expect_word("MATERIALIZED");
    else accept_word("MATERIALIZED");
    expect("(");
    cte.query = select();
    expect(")");
    return cte;
  }

  OrderTerm order_term() {
    OrderTerm term;
    term.expr = expression(0);
    if (accept_word("DESC")) term.descending = true;
    else accept_word("ASC");
    if (accept_word("NULLS")) {
      if (accept_word("FIRST")) term.nulls = 1;
      else {
        expect_word("LAST");
        term.nulls = 2;
      }
    }
    return term;
  }

  SelectCore select_core() {
    SelectCore core;
    if (accept_word("VALUES")) {
      do {
        expect("(");
        std::vector<ExprPtr> row;
        do row.push_back(expression(0));
        while (accept(","));
        expect(")");
        core.rows.push_back(std::move(row));
      } while (accept(","));
      return core;
    }
    expect_word("SELECT");
    if (accept_word("DISTINCT")) core.distinct = true;
    else accept_word("ALL");
    do core.columns.push_back(result_column());
    while (accept(","));
    if (accept_word("FROM")) core.from = join_list();
    if (accept_word("WHERE")) core.where = expression(0);
    if (accept_word("GROUP")) {
      expect_word("BY");
      do core.group_by.push_back(expression(0));
      while (accept(","));
    }
    if (accept_word("HAVING")) core.having = expression(0);
    if (accept_word("WINDOW")) {
      core.window = true;
      do {
        name();
        expect_word("AS");
        expect("(");
        skip_balanced();
      } while (accept(","));
    }
    return core;
  }

  ResultColumn result_column() {
    ResultColumn column;
    if (accept("*")) {
      column.star = true;
      return column;
    }
    if ((peek().kind == TokenKind::Word || peek().kind == TokenKind::QuotedIdentifier) && peek(1).is(".") &&
        peek(2).is("*")) {
      column.star = true;
      column.star_table = next().value;
      pos_ += 2;
      return column;
    }
    column.expr = expression(0);
    column.alias = alias();
    return column;
  }

  std::string alias() {
    if (accept_word("AS")) return name();
    if (at_name() || peek().kind == TokenKind::String) return name();
    return {};
  }

  std::vector<FromItem> join_list() {
    std::vector<FromItem> items;
    items.push_back(from_item());
    for (;;) {
      FromItem item;
      if (accept(",")) {
        item = from_item();
        item.join = JoinKind::Comma;
      } else {
        bool natural = accept_word("NATURAL");
        JoinKind kind = JoinKind::Inner;
        if (accept_word("LEFT")) kind = JoinKind::Left;
        else if (accept_word("RIGHT")) kind = JoinKind::Right;
        else if (accept_word("FULL")) kind = JoinKind::Full;
        else if (accept_word("CROSS")) kind = JoinKind::Cross;
        else accept_word("INNER");
        if (kind == JoinKind::Left || kind == JoinKind::Right || kind == JoinKind::Full) accept_word("OUTER");
        if (!accept_word("JOIN")) {
          if (natural || kind != JoinKind::Inner) fail("expected JOIN");
          break;
        }
        item = from_item();
        item.join = kind;
        item.natural = natural;
      }
      if (accept_word("ON")) {
        item.on = expression(0);
      } else if (accept_word("USING")) {
        expect("(");
        do item.using_columns.push_back(name());
        while (accept(","));
        expect(")");
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  FromItem from_item() {
    FromItem item;
    if (accept("(")) {
      if (starts_select()) {
        item.subquery = select();
      } else {
        item.nested = join_list();
      }
      expect(")");
      item.alias = alias();
      return item;
    }
    item.table = name();
    if (accept(".")) {
      item.schema = item.table;
      item.table = name();
    }
    if (accept("(")) {
      item.table_function = true;
      skip_balanced();
    }
    item.alias = alias();
    if (accept_word("INDEXED")) {
      expect_word("BY");
      name();
    } else if (peek().is_word("NOT") && peek(1).is_word("INDEXED")) {
      pos_ += 2;
    }
    return item;
  }
};

}  // namespace

ExprPtr parse_sql_expression(const std::vector<Token> &tokens) { return Parser(tokens).whole_expression(); }

std::unique_ptr<SelectStmt> parse_sql_select(const std::vector<Token> &tokens) { return Parser(tokens).whole_select(); }

}  // namespace hangar
