// SQLite -> PostgreSQL expression translation (see expr_translate.hpp). Token by token: names
// resolve to target columns, literals are re-quoted by PostgreSQL's own rules, a short list of
// functions and operators with identical meaning is mapped, anything else refuses.
#include "core/expr_translate.hpp"

#include <cstdlib>

#include "core/ascii_case.hpp"
#include "core/type_map.hpp"
#include "core/type_names.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

// Functions whose meaning is the same in both systems, with their PostgreSQL names.
const char *pg_function(const std::string &sqlite_upper) {
  static const char *const kMap[][2] = {
      {"LOWER", "lower"}, {"UPPER", "upper"}, {"LENGTH", "length"}, {"ABS", "abs"},
      {"COALESCE", "coalesce"}, {"IFNULL", "coalesce"}, {"NULLIF", "nullif"}, {"SUBSTR", "substr"},
      {"SUBSTRING", "substr"}, {"TRIM", "btrim"}, {"LTRIM", "ltrim"}, {"RTRIM", "rtrim"},
      {"REPLACE", "replace"}, {"INSTR", "strpos"}, {"MAX", "greatest"}, {"MIN", "least"}};
  for (const auto &m : kMap)
    if (sqlite_upper == m[0]) return m[1];
  return nullptr;
}

// Words passed through unchanged: they mean the same in PostgreSQL.
bool is_passthrough_keyword(const std::string &u) {
  for (const char *k : {"AND", "OR", "NOT", "IN", "NULL", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END",
                        "TRUE", "FALSE", "EXISTS", "DISTINCT", "ISNULL", "NOTNULL"})
    if (u == k) return true;
  return false;
}

bool is_comparison(const Token &t) {
  return t.is("=") || t.is("==") || t.is("!=") || t.is("<>") || t.is_word("IN") || t.is_word("IS");
}

bool ends_comparison(const Token &t) {
  return t.is_word("AND") || t.is_word("OR") || t.is_word("THEN") || t.is_word("WHEN") || t.is_word("ELSE") ||
         t.is_word("END") || t.is(",");
}

bool is_boolean_type(const std::string &pg_type) { return pg_type == "boolean"; }

std::string number_text(const Token &t) {
  if (t.text.size() > 2 && t.text[0] == '0' && (t.text[1] == 'x' || t.text[1] == 'X'))
    return std::to_string(std::strtoll(t.text.c_str() + 2, nullptr, 16));
  return t.text;
}

std::string blob_literal(const Token &t, const PgQuoter &quote) { return quote.literal("\\x" + t.value) + "::bytea"; }

class Translator {
 public:
  Translator(const std::vector<Token> &tokens, const ColumnLookup &columns, const PgQuoter &quote, bool in_default)
      : tokens_(tokens), columns_(columns), quote_(quote), in_default_(in_default) {}

  // Names that are not columns: set for view bodies (nullptr: a non-column name refuses).
  std::function<std::string(const std::string &)> other_names;

  Translation run() {
    for (i_ = 0; i_ < tokens_.size() && result_.reason.empty(); ++i_) step();
    if (!result_.reason.empty()) return result_;
    result_.ok = true;
    result_.sql = join();
    return result_;
  }

 private:
  void refuse(const std::string &reason) {
    if (result_.reason.empty()) result_.reason = reason;
  }
  void emit(const std::string &text, bool is_open = false, bool is_word = false) {
    out_.push_back({text, is_open, is_word});
  }
  const Token *next() const { return i_ + 1 < tokens_.size() ? &tokens_[i_ + 1] : nullptr; }

  void step() {
    const Token &t = tokens_[i_];
    // A boolean comparison ends at the next AND/OR/... or comma of its own level, or at the
    // parenthesis that closes its level (commas inside an IN list do not end it).
    if (bool_depth_ >= 0 && depth_ == bool_depth_ && (ends_comparison(t) || t.is(")"))) bool_depth_ = -1;
    switch (t.kind) {
      case TokenKind::Word: word(t); break;
      case TokenKind::QuotedIdentifier: name(t, true); break;
      case TokenKind::String: emit(quote_.literal(t.value)); break;
      case TokenKind::Blob: emit(blob_literal(t, quote_)); break;
      case TokenKind::Number:
        if (bool_depth_ >= 0 && (t.text == "0" || t.text == "1"))
          emit(t.text == "1" ? "true" : "false");
        else
          emit(number_text(t));
        break;
      case TokenKind::Parameter: refuse("a query parameter"); break;
      case TokenKind::Punctuation: punctuation(t); break;
    }
  }

  void punctuation(const Token &t) {
    if (t.is("(")) {
      ++depth_;
      emit("(", true);
    } else if (t.is(")")) {
      --depth_;
      emit(")");
    } else if (t.is("==")) {
      emit("=");
    } else if (t.is(";")) {
      refuse("a statement separator");
    } else {
      emit(t.text);
    }
  }

  void word(const Token &t) {
    std::string u = ascii_upper(t.text);
    const Token *n = next();
    if (u == "CAST") return cast();
    if (n && n->is("(") && !is_passthrough_keyword(u)) return function(t, u);
    if (u == "IS") return is_operator();
    if (u == "COLLATE") {
      const Token *c = next();
      if (c && c->is_word("BINARY")) {
        ++i_;
        return;
      }
      return refuse("a COLLATE clause");
    }
    if (u == "LIKE" || u == "GLOB" || u == "REGEXP" || u == "MATCH")
      return refuse(u + " (its case and pattern rules differ in PostgreSQL)");
    if (u == "CURRENT_TIMESTAMP" || u == "CURRENT_DATE" || u == "CURRENT_TIME")
      return refuse(u + " outside a DEFAULT");
    if (is_passthrough_keyword(u)) return emit(u == "ISNULL" ? "IS NULL" : u == "NOTNULL" ? "IS NOT NULL" : u);
    name(t, false);
  }

  void name(const Token &t, bool quoted) {
    if (const ResolvedColumn *col = columns_ ? columns_(t.value) : nullptr) {
      emit(quote_.ident(col->pg_name), false, true);
      const Token *n = next();
      if (is_boolean_type(col->pg_type) && n && is_comparison(*n)) bool_depth_ = depth_;
      return;
    }
    if (quoted && in_default_) return emit(quote_.literal(t.value));  // SQLite reads "x" as a string here
    if (other_names) {
      // A known table or column gets its PostgreSQL spelling; anything else keeps its own, and a
      // quoted name is quoted again, so no name from the SQLite file is ever pasted into SQL.
      std::string known = other_names(t.value);
      if (!known.empty()) return emit(known, false, true);
      return emit(quoted ? quote_.ident(t.value) : t.text, false, true);
    }
    refuse("the name \"" + t.value + "\", which is not a column of the table");
  }

  void function(const Token &t, const std::string &u) {
    if (other_names) return emit(pg_function(u) ? pg_function(u) : t.text, false, true);
    const char *pg = pg_function(u);
    if (!pg) return refuse("the function " + t.text + "()");
    emit(pg, false, true);
  }

  // SQLite's IS / IS NOT compare null-safely: PostgreSQL's IS [NOT] DISTINCT FROM.
  void is_operator() {
    bool negated = false;
    size_t j = i_ + 1;
    if (j < tokens_.size() && tokens_[j].is_word("NOT")) {
      negated = true;
      ++j;
    }
    if (j < tokens_.size() && (tokens_[j].is_word("NULL") || tokens_[j].is_word("DISTINCT") ||
                               tokens_[j].is_word("TRUE") || tokens_[j].is_word("FALSE"))) {
      emit(negated ? "IS NOT" : "IS", false, true);
      i_ = j - 1;
      return;
    }
    emit(negated ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM", false, true);
    i_ = j - 1;
  }

  // CAST(expr AS type): the type goes through the declared-type table.
  void cast() {
    emit("CAST", false, true);
    size_t j = i_ + 1;
    if (j >= tokens_.size() || !tokens_[j].is("(")) return refuse("a malformed CAST");
    int depth = 0;
    size_t as = 0;
    size_t close = 0;
    for (size_t k = j; k < tokens_.size(); ++k) {
      if (tokens_[k].is("(")) ++depth;
      if (tokens_[k].is(")") && --depth == 0) {
        close = k;
        break;
      }
      if (depth == 1 && tokens_[k].is_word("AS")) as = k;
    }
    if (!as || !close) return refuse("a malformed CAST");
    std::string type;
    for (size_t k = as + 1; k < close; ++k) type += (type.empty() ? "" : " ") + tokens_[k].text;
    TypeMapping m = map_declared_type(type);
    if (!m.known || m.untyped) return refuse("a CAST to type " + type);
    std::vector<Token> inner(tokens_.begin() + static_cast<long>(j) + 1, tokens_.begin() + static_cast<long>(as));
    Translator sub(inner, columns_, quote_, in_default_);
    sub.other_names = other_names;
    Translation t = sub.run();
    if (!t.ok) return refuse(t.reason);
    emit("(", true);
    emit(t.sql + " AS " + m.pg_type);
    emit(")");
    i_ = close;
  }

  std::string join() const {
    std::string sql;
    for (size_t k = 0; k < out_.size(); ++k) {
      const Piece &p = out_[k];
      bool tight = k == 0 || p.text == ")" || p.text == "," || p.text == "." || out_[k - 1].open ||
                   out_[k - 1].text == "." || (p.open && out_[k - 1].word);
      if (!tight) sql += ' ';
      sql += p.text;
    }
    return sql;
  }

  struct Piece {
    std::string text;
    bool open;  // an opening parenthesis
    bool word;  // a name or keyword (a following "(" is a call, written without space)
  };

  const std::vector<Token> &tokens_;
  const ColumnLookup &columns_;
  const PgQuoter &quote_;
  bool in_default_;
  size_t i_ = 0;
  int depth_ = 0;
  int bool_depth_ = -1;  // parenthesis depth of a boolean comparison in progress, -1 when none
  std::vector<Piece> out_;
  Translation result_;
};

// The current UTC time, as SQLite's CURRENT_TIMESTAMP means it, for a column of pg_type.
Translation current_time_default(const std::string &which, const std::string &pg_type) {
  const std::string utc_now = "timezone('utc', now())";
  Translation t;
  t.ok = true;
  if (pg_type.rfind("timestamptz", 0) == 0)
    t.sql = "now()";
  else if (pg_type.rfind("timestamp", 0) == 0)
    t.sql = utc_now;
  else if (pg_type == "date")
    t.sql = "(" + utc_now + ")::date";
  else if (pg_type.rfind("time", 0) == 0)
    t.sql = "(" + utc_now + ")::time(0)";
  else if (is_text_type(pg_type))
    t.sql = "to_char(" + utc_now + ", '" +
            (which == "CURRENT_DATE" ? "YYYY-MM-DD" : which == "CURRENT_TIME" ? "HH24:MI:SS" : "YYYY-MM-DD HH24:MI:SS") + "')";
  else {
    t.ok = false;
    t.reason = which + " as the default of a " + pg_type + " column";
  }
  return t;
}

// datetime('now'), date('now'), time('now'): SQLite's spelled-out forms of the three above.
bool now_function(const std::vector<Token> &tokens, std::string *which) {
  if (tokens.size() != 4 || !tokens[1].is("(") || tokens[2].kind != TokenKind::String || tokens[2].value != "now" ||
      !tokens[3].is(")"))
    return false;
  if (tokens[0].is_word("DATETIME")) *which = "CURRENT_TIMESTAMP";
  else if (tokens[0].is_word("DATE")) *which = "CURRENT_DATE";
  else if (tokens[0].is_word("TIME")) *which = "CURRENT_TIME";
  else return false;
  return true;
}

// Strips parentheses that enclose the whole token list.
std::vector<Token> unwrap(std::vector<Token> tokens) {
  while (tokens.size() >= 2 && tokens.front().is("(") && tokens.back().is(")")) {
    int depth = 0;
    bool encloses = true;
    for (size_t k = 0; k + 1 < tokens.size(); ++k) {
      if (tokens[k].is("(")) ++depth;
      if (tokens[k].is(")")) --depth;
      if (depth == 0) encloses = false;
    }
    if (!encloses) break;
    tokens = std::vector<Token>(tokens.begin() + 1, tokens.end() - 1);
  }
  return tokens;
}

// col IN ( v , v , ... ) where every v satisfies `literal`.
bool in_list(const std::vector<Token> &check, std::string *column, std::vector<std::string> *values,
             bool (*literal)(const Token &)) {
  std::vector<Token> t = unwrap(check);
  if (t.size() < 5 || !t[0].is_name() || !t[1].is_word("IN") || !t[2].is("(") || !t.back().is(")")) return false;
  values->clear();
  for (size_t k = 3; k + 1 < t.size(); ++k) {
    if ((k - 3) % 2 == 1) {
      if (!t[k].is(",")) return false;
      continue;
    }
    if (!literal(t[k])) return false;
    values->push_back(t[k].value);
  }
  *column = t[0].value;
  return !values->empty();
}

}  // namespace

Translation translate_expression(const std::vector<Token> &tokens, const ColumnLookup &columns,
                                 const PgQuoter &quote) {
  return Translator(tokens, columns, quote, false).run();
}

Translation translate_default(const std::vector<Token> &raw, const std::string &pg_type, const ColumnLookup &columns,
                              const PgQuoter &quote) {
  std::vector<Token> tokens = unwrap(raw);
  Translation none;
  none.ok = true;
  if (tokens.empty() || (tokens.size() == 1 && tokens[0].is_word("NULL"))) return none;
  std::string which;
  if (tokens.size() == 1 && (tokens[0].is_word("CURRENT_TIMESTAMP") || tokens[0].is_word("CURRENT_DATE") ||
                             tokens[0].is_word("CURRENT_TIME")))
    return current_time_default(ascii_upper(tokens[0].text), pg_type);
  if (now_function(tokens, &which)) return current_time_default(which, pg_type);
  if (is_boolean_type(pg_type) && tokens.size() == 1) {
    const std::string v = ascii_upper(tokens[0].value);
    Translation b;
    b.ok = true;
    if (v == "1" || v == "TRUE" || v == "T") b.sql = "true";
    else if (v == "0" || v == "FALSE" || v == "F") b.sql = "false";
    else {
      b.ok = false;
      b.reason = "the value " + tokens[0].text + " as a boolean default";
    }
    return b;
  }
  return Translator(tokens, columns, quote, true).run();
}

Translation translate_view_body(const std::vector<Token> &tokens,
                                const std::function<std::string(const std::string &)> &names,
                                const ColumnLookup &boolean_columns, const PgQuoter &quote) {
  Translator t(tokens, boolean_columns, quote, false);
  t.other_names = names;
  return t.run();
}

bool enum_check(const std::vector<Token> &check, std::string *column, std::vector<std::string> *labels) {
  return in_list(check, column, labels, [](const Token &t) { return t.kind == TokenKind::String; });
}

bool boolean_check(const std::vector<Token> &check, std::string *column) {
  std::vector<std::string> values;
  if (!in_list(check, column, &values,
               [](const Token &t) { return t.kind == TokenKind::Number && (t.text == "0" || t.text == "1"); }))
    return false;
  return values.size() == 2 && values[0] != values[1];
}

}  // namespace hangar
