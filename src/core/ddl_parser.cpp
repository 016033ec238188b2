// Recursive-descent reading of SQLite CREATE TABLE / CREATE INDEX (see ddl_parser.hpp).
#include "core/ddl_parser.hpp"

#include "core/join.hpp"

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/token_cursor.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

class Cursor : public TokenCursor {
 public:
  explicit Cursor(std::string_view sql) : TokenCursor(tokenize_sql(sql), "statement"), sql_(sql) {}

  std::string name() {
    const Token &t = next();
    if (!t.is_name() && t.kind != TokenKind::String) fail("expected a name");
    return t.value;
  }
  // After an opening parenthesis: the tokens up to the matching closing one, which is consumed.
  std::vector<Token> balanced() {
    std::vector<Token> inner;
    int depth = 1;
    for (;;) {
      const Token &t = next();
      if (t.is("(")) ++depth;
      if (t.is(")") && --depth == 0) return inner;
      inner.push_back(t);
    }
  }
  [[noreturn]] void fail(const std::string &what) const override {
    throw Error(sqlstate::kSyntaxError, "could not parse SQLite schema SQL: " + what,
                "Near token " + std::to_string(pos_) + " of: " + std::string(sql_.substr(0, 300)));
  }

 private:
  std::string_view sql_;
};

// [schema .] name
std::string qualified_name(Cursor &c) {
  std::string name = c.name();
  if (c.accept(".")) name = c.name();
  return name;
}

// CREATE [TEMP | TEMPORARY] [UNIQUE] <object> [IF NOT EXISTS] [schema .] name: returns the name;
// UNIQUE is accepted only where `unique` is given.
std::string create_header(Cursor &c, const char *object, bool *unique = nullptr) {
  c.expect_word("CREATE");
  if (!c.accept_word("TEMP")) c.accept_word("TEMPORARY");
  if (unique) *unique = c.accept_word("UNIQUE");
  c.expect_word(object);
  if (c.accept_word("IF")) {
    c.expect_word("NOT");
    c.expect_word("EXISTS");
  }
  return qualified_name(c);
}

// ON CONFLICT resolution after a PRIMARY KEY, UNIQUE or NOT NULL: PostgreSQL's constraints have
// none, so one that is not SQLite's default (ABORT, which PostgreSQL's errors do too) is noted
// in the table's conflict_clauses, saying which constraint it was on.
void conflict_clause(Cursor &c, TableDefinition &table, const std::string &constraint) {
  if (!c.peek().is_word("ON") || !c.peek(1).is_word("CONFLICT")) return;
  c.next();
  c.next();
  std::string resolution = ascii_upper(c.next().text);
  if (resolution != "ABORT") table.conflict_clauses.push_back("ON CONFLICT " + resolution + " of " + constraint);
}

// ( name [COLLATE x] [ASC | DESC] [AUTOINCREMENT], ... ): SQLite accepts AUTOINCREMENT in a
// table-level PRIMARY KEY of one column too.
std::vector<std::string> name_list(Cursor &c, bool *autoincrement = nullptr) {
  std::vector<std::string> names;
  c.expect("(");
  do {
    names.push_back(c.name());
    if (c.accept_word("COLLATE")) c.name();
    if (!c.accept_word("ASC")) c.accept_word("DESC");
    if (c.accept_word("AUTOINCREMENT") && autoincrement) *autoincrement = true;
  } while (c.accept(","));
  c.expect(")");
  return names;
}

std::string action(Cursor &c) {
  if (c.accept_word("CASCADE")) return "CASCADE";
  if (c.accept_word("RESTRICT")) return "RESTRICT";
  if (c.accept_word("SET")) {
    if (c.accept_word("NULL")) return "SET NULL";
    c.expect_word("DEFAULT");
    return "SET DEFAULT";
  }
  c.expect_word("NO");
  c.expect_word("ACTION");
  return "NO ACTION";
}

ForeignKeyReference references_clause(Cursor &c) {
  ForeignKeyReference ref;
  ref.parent_table = c.name();
  if (c.peek().is("(")) ref.parent_columns = name_list(c);
  for (;;) {
    if (c.peek().is_word("ON")) {
      c.next();
      if (c.accept_word("DELETE"))
        ref.on_delete = action(c);
      else if (c.accept_word("UPDATE"))
        ref.on_update = action(c);
      else
        c.fail("expected DELETE or UPDATE after ON");
    } else if (c.accept_word("MATCH")) {
      c.name();
    } else if (c.peek().is_word("DEFERRABLE") || (c.peek().is_word("NOT") && c.peek(1).is_word("DEFERRABLE"))) {
      bool negated = c.accept_word("NOT");
      c.expect_word("DEFERRABLE");
      ref.deferrable = !negated;
      if (c.accept_word("INITIALLY")) {
        if (c.accept_word("DEFERRED"))
          ref.initially_deferred = !negated;
        else
          c.expect_word("IMMEDIATE");
      }
    } else {
      return ref;
    }
  }
}

bool starts_column_constraint(const Token &t) {
  for (const char *w : {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE",
                        "REFERENCES", "GENERATED", "AS"})
    if (t.is_word(w)) return true;
  return false;
}

std::vector<Token> default_value(Cursor &c) {
  if (c.accept("(")) return c.balanced();
  std::vector<Token> value;
  if (c.peek().is("+") || c.peek().is("-")) value.push_back(c.next());
  value.push_back(c.next());
  return value;
}

void column_definition(Cursor &c, TableDefinition &table) {
  ColumnDefinition col;
  col.name = c.name();
  std::string type;
  while (!c.at_end() && !c.peek().is(",") && !c.peek().is(")") && !starts_column_constraint(c.peek())) {
    const Token &t = c.next();
    if (t.is("(")) {
      type += "(" + tokens_text(c.balanced()) + ")";
      continue;
    }
    if (!type.empty()) type += ' ';
    type += t.text;
  }
  col.type = type;
  std::string pending_name;
  while (!c.at_end() && !c.peek().is(",") && !c.peek().is(")")) {
    TableConstraint con;
    con.column_level = true;
    con.columns = {col.name};
    con.name = pending_name;
    if (c.accept_word("CONSTRAINT")) {
      pending_name = c.name();
      continue;
    }
    pending_name.clear();
    if (c.accept_word("PRIMARY")) {
      c.expect_word("KEY");
      if (!c.accept_word("ASC")) c.accept_word("DESC");
      conflict_clause(c, table, "the primary key (" + col.name + ")");
      col.autoincrement = c.accept_word("AUTOINCREMENT");
      con.kind = ConstraintKind::PrimaryKey;
      table.constraints.push_back(con);
    } else if (c.accept_word("NOT")) {
      c.expect_word("NULL");
      conflict_clause(c, table, "NOT NULL on column \"" + col.name + "\"");
    } else if (c.accept_word("NULL")) {
      conflict_clause(c, table, "NULL on column \"" + col.name + "\"");
    } else if (c.accept_word("UNIQUE")) {
      conflict_clause(c, table, "UNIQUE (" + col.name + ")");
      con.kind = ConstraintKind::Unique;
      table.constraints.push_back(con);
    } else if (c.accept_word("CHECK")) {
      c.expect("(");
      con.kind = ConstraintKind::Check;
      con.check = c.balanced();
      table.constraints.push_back(con);
    } else if (c.accept_word("DEFAULT")) {
      col.default_value = default_value(c);
    } else if (c.accept_word("COLLATE")) {
      col.collation = ascii_upper(c.name());
    } else if (c.accept_word("REFERENCES")) {
      con.kind = ConstraintKind::ForeignKey;
      con.references = references_clause(c);
      table.constraints.push_back(con);
    } else if (c.peek().is_word("GENERATED") || c.peek().is_word("AS")) {
      if (c.accept_word("GENERATED")) c.expect_word("ALWAYS");
      c.expect_word("AS");
      c.expect("(");
      col.generated = c.balanced();
      if (c.accept_word("STORED"))
        col.generated_stored = true;
      else
        c.accept_word("VIRTUAL");
    } else {
      c.fail("unexpected \"" + c.peek().text + "\" in the definition of column \"" + col.name + "\"");
    }
  }
  table.columns.push_back(std::move(col));
}

bool starts_table_constraint(const Cursor &c) {
  const Token &t = c.peek();
  if (t.is_word("CONSTRAINT") || t.is_word("CHECK")) return true;
  if (t.is_word("PRIMARY") && c.peek(1).is_word("KEY")) return true;
  if (t.is_word("UNIQUE") && c.peek(1).is("(")) return true;
  return t.is_word("FOREIGN") && c.peek(1).is_word("KEY");
}

void table_constraint(Cursor &c, TableDefinition &table) {
  TableConstraint con;
  if (c.accept_word("CONSTRAINT")) con.name = c.name();
  if (c.accept_word("PRIMARY")) {
    c.expect_word("KEY");
    con.kind = ConstraintKind::PrimaryKey;
    bool autoincrement = false;
    con.columns = name_list(c, &autoincrement);
    conflict_clause(c, table, "the primary key (" + join(con.columns, ", ") + ")");
    if (autoincrement)
      for (ColumnDefinition &col : table.columns)
        if (con.columns.size() == 1 && ascii_iequals(col.name, con.columns[0])) col.autoincrement = true;
  } else if (c.accept_word("UNIQUE")) {
    con.kind = ConstraintKind::Unique;
    con.columns = name_list(c);
    conflict_clause(c, table, "UNIQUE (" + join(con.columns, ", ") + ")");
  } else if (c.accept_word("CHECK")) {
    con.kind = ConstraintKind::Check;
    c.expect("(");
    con.check = c.balanced();
  } else if (c.accept_word("FOREIGN")) {
    c.expect_word("KEY");
    con.kind = ConstraintKind::ForeignKey;
    con.columns = name_list(c);
    c.expect_word("REFERENCES");
    con.references = references_clause(c);
  } else {
    c.fail("unexpected \"" + c.peek().text + "\" in a table constraint");
  }
  table.constraints.push_back(std::move(con));
}

}  // namespace

// Whether tokens[i] is a sign in front of an operand (-50 in "< -50"), not an operator between
// two: it follows no operand (a value, a name or a closing parenthesis), or a keyword.
static bool is_sign(const std::vector<Token> &tokens, size_t i) {
  if (!tokens[i].is("-") && !tokens[i].is("+")) return false;
  if (i == 0) return true;
  const Token &before = tokens[i - 1];
  if (before.kind == TokenKind::Punctuation) return !before.is(")");
  static const char *const keywords[] = {"AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "BETWEEN", "IS", "CASE",
                                         "DEFAULT", "SELECT", "IN", "LIKE", "GLOB", "RETURN"};
  for (const char *k : keywords)
    if (before.is_word(k)) return true;
  return false;
}

std::string tokens_text(const std::vector<Token> &tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token &t = tokens[i];
    const Token &prev = i ? tokens[i - 1] : t;
    bool call = t.is("(") && prev.kind == TokenKind::Word && !prev.is_word("IN") && !prev.is_word("AND") &&
                !prev.is_word("OR") && !prev.is_word("NOT") && !prev.is_word("AS") && !prev.is_word("EXISTS");
    // never "--", which would begin a comment
    bool signed_operand = i > 0 && is_sign(tokens, i - 1) && (t.kind != TokenKind::Punctuation || t.is("("));
    bool no_space = i == 0 || t.is(")") || t.is(",") || t.is(".") || prev.is("(") || prev.is(".") || call ||
                    signed_operand;
    if (!no_space) out += ' ';
    out += t.text;
  }
  return out;
}

TableDefinition parse_create_table(std::string_view sql) {
  Cursor c(sql);
  TableDefinition table;
  table.name = create_header(c, "TABLE");
  c.expect("(");
  do {
    if (starts_table_constraint(c)) {
      // SQLite also accepts table constraints that follow each other without commas.
      do table_constraint(c, table);
      while (starts_table_constraint(c));
    } else {
      column_definition(c, table);
    }
  } while (c.accept(","));
  c.expect(")");
  while (!c.at_end() && !c.peek().is(";")) {
    if (c.accept_word("WITHOUT")) {
      c.expect_word("ROWID");
      table.without_rowid = true;
    } else if (c.accept_word("STRICT")) {
      table.strict = true;
    } else {
      c.expect(",");
    }
  }
  return table;
}

IndexDefinition parse_create_index(std::string_view sql) {
  Cursor c(sql);
  IndexDefinition index;
  index.name = create_header(c, "INDEX", &index.unique);
  c.expect_word("ON");
  index.table = c.name();
  c.expect("(");
  std::vector<Token> all = c.balanced();
  // Split the term list at depth-0 commas; peel COLLATE x and ASC/DESC off each term's end.
  std::vector<Token> current;
  int depth = 0;
  auto finish_term = [&]() {
    IndexTerm term;
    if (!current.empty() && (current.back().is_word("ASC") || current.back().is_word("DESC"))) {
      term.descending = current.back().is_word("DESC");
      current.pop_back();
    }
    if (current.size() >= 2 && current[current.size() - 2].is_word("COLLATE")) {
      term.collation = ascii_upper(current.back().value);
      current.resize(current.size() - 2);
    }
    if (current.empty()) c.fail("empty index term");
    if (current.size() == 1 && current[0].is_name()) term.column = current[0].value;
    term.expression = std::move(current);
    index.terms.push_back(std::move(term));
    current.clear();
  };
  for (const Token &t : all) {
    if (t.is("(")) ++depth;
    if (t.is(")")) --depth;
    if (depth == 0 && t.is(",")) {
      finish_term();
      continue;
    }
    current.push_back(t);
  }
  finish_term();
  if (c.accept_word("WHERE")) {
    while (!c.at_end() && !c.peek().is(";")) index.where.push_back(c.next());
  }
  return index;
}

ViewDefinition parse_create_view(std::string_view sql) {
  Cursor c(sql);
  ViewDefinition view;
  view.name = create_header(c, "VIEW");
  if (c.peek().is("(")) view.columns = name_list(c);
  c.expect_word("AS");
  while (!c.at_end() && !c.peek().is(";")) view.body.push_back(c.next());
  return view;
}

}  // namespace hangar
