// A tokenizer for SQLite's SQL dialect, enough to read the CREATE TABLE / CREATE INDEX /
// CREATE VIEW text stored in sqlite_schema: identifiers in all four quoting styles, string and
// blob literals, numbers, operators, comments. Constraint names and expressions exist only in
// that text, so they are read from tokens, never by regular expressions over whole statements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hangar {

enum class TokenKind {
  Word,              // a bare identifier or keyword: users, CREATE, not
  QuotedIdentifier,  // "x", [x], `x`
  String,            // 'x'
  Blob,              // X'00ff'
  Number,            // 12, 1.5, .5, 1e10, 0x1f
  Parameter,         // ?, ?1, :name, @name, $name
  Punctuation        // ( ) , ; . and operators: || -> ->> == != <> <= >= << >> = < > + - * / % & | ~
};

struct Token {
  TokenKind kind;
  std::string text;   // as written
  std::string value;  // identifiers and strings unquoted, numbers without "_" separators; else the text

  bool is_word(const char *upper) const;  // a bare word equal to upper, case-insensitively
  bool is(const char *punctuation) const { return kind == TokenKind::Punctuation && text == punctuation; }
  bool is_name() const { return kind == TokenKind::Word || kind == TokenKind::QuotedIdentifier; }
};

// Throws hangar::Error (42601) on an unterminated quote or comment or an unknown character.
std::vector<Token> tokenize_sql(std::string_view sql);

}  // namespace hangar
