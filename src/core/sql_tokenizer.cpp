// SQLite tokenizer (see sql_tokenizer.hpp). Follows https://www.sqlite.org/lang_keywords.html
// for quoting: "x" and [x] and `x` are identifiers, 'x' is a string, X'..' a blob.
#include "core/sql_tokenizer.hpp"

#include <cctype>
#include <cstring>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

bool Token::is_word(const char *upper) const { return kind == TokenKind::Word && ascii_iequals(text, upper); }

namespace {

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool is_word_char(char c) { return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; }

[[noreturn]] void syntax_error(std::string_view sql, size_t pos, const char *what) {
  throw Error(sqlstate::kSyntaxError, std::string("could not parse SQLite schema SQL: ") + what,
              "At offset " + std::to_string(pos) + " of: " + std::string(sql.substr(0, 200)));
}

// Reads a quoted run closing with `close`, where a doubled close character escapes itself
// (not for [..], which has no escape). Returns the position after the closing character.
size_t read_quoted(std::string_view sql, size_t pos, char close, bool doubling, std::string *value) {
  size_t i = pos + 1;
  for (;;) {
    if (i >= sql.size()) syntax_error(sql, pos, "unterminated quoted text");
    if (sql[i] == close) {
      if (doubling && i + 1 < sql.size() && sql[i + 1] == close) {
        *value += close;
        i += 2;
        continue;
      }
      return i + 1;
    }
    *value += sql[i++];
  }
}

size_t read_number(std::string_view sql, size_t i) {
  if (sql[i] == '0' && i + 1 < sql.size() && (sql[i + 1] == 'x' || sql[i + 1] == 'X')) {
    i += 2;
    while (i < sql.size() && (std::isxdigit(static_cast<unsigned char>(sql[i])) ||
                              (sql[i] == '_' && i + 1 < sql.size() && std::isxdigit(static_cast<unsigned char>(sql[i + 1])))))
      ++i;
    return i;
  }
  // Digits may be grouped with "_" between them (SQLite 3.46).
  auto digit_or_separator = [&](size_t k) {
    return std::isdigit(static_cast<unsigned char>(sql[k])) ||
           (sql[k] == '_' && k + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[k + 1])));
  };
  while (i < sql.size() && (digit_or_separator(i) || sql[i] == '.')) ++i;
  if (i < sql.size() && (sql[i] == 'e' || sql[i] == 'E')) {
    size_t j = i + 1;
    if (j < sql.size() && (sql[j] == '+' || sql[j] == '-')) ++j;
    if (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) {
      i = j;
      while (i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i]))) ++i;
    }
  }
  return i;
}

}  // namespace

std::vector<Token> tokenize_sql(std::string_view sql) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      if (end == std::string_view::npos) syntax_error(sql, i, "unterminated comment");
      i = end + 2;
      continue;
    }
    Token t{TokenKind::Punctuation, "", ""};
    size_t start = i;
    if ((c == 'x' || c == 'X') && i + 1 < sql.size() && sql[i + 1] == '\'') {
      t.kind = TokenKind::Blob;
      i = read_quoted(sql, i + 1, '\'', false, &t.value);
    } else if (is_word_start(c)) {
      t.kind = TokenKind::Word;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
      t.value = std::string(sql.substr(start, i - start));
    } else if (c == '"' || c == '`') {
      t.kind = TokenKind::QuotedIdentifier;
      i = read_quoted(sql, i, c, true, &t.value);
    } else if (c == '[') {
      t.kind = TokenKind::QuotedIdentifier;
      i = read_quoted(sql, i, ']', false, &t.value);
    } else if (c == '\'') {
      t.kind = TokenKind::String;
      i = read_quoted(sql, i, '\'', true, &t.value);
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      t.kind = TokenKind::Number;
      i = read_number(sql, i);
    } else if (c == '?' || c == ':' || c == '@' || c == '$') {
      t.kind = TokenKind::Parameter;
      ++i;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
    } else {
      static const char *const kLongOperators[] = {"->>", "||", "==", "!=", "<>", "<=", ">=", "<<", ">>", "->"};
      size_t width = 0;
      for (const char *op : kLongOperators)
        if (!width && sql.substr(i, std::strlen(op)) == op) width = std::strlen(op);
      if (!width && std::string_view("(),;.=<>+-*/%&|~").find(c) == std::string_view::npos)
        syntax_error(sql, i, "unexpected character");
      i += width ? width : 1;
    }
    t.text = std::string(sql.substr(start, i - start));
    if (t.kind == TokenKind::Punctuation || t.kind == TokenKind::Parameter) t.value = t.text;
    if (t.kind == TokenKind::Number)
      for (char ch : t.text)
        if (ch != '_') t.value += ch;
    tokens.push_back(std::move(t));
  }
  return tokens;
}

}  // namespace hangar
