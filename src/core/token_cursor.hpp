// A read position in a list of SQL tokens, with the lookahead and matching both SQLite parsers
// use (ddl_parser for CREATE statements, sql_parser for expressions and SELECT). What a mismatch
// says is each parser's own: it implements fail().
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/sql_tokenizer.hpp"

namespace hangar {

class TokenCursor {
 public:
  // end_of_input names what running out of tokens cuts short, for the message ("statement").
  TokenCursor(std::vector<Token> tokens, const char *end_of_input)
      : tokens_(std::move(tokens)), end_of_input_(end_of_input) {}
  virtual ~TokenCursor() = default;

  bool at_end() const { return pos_ >= tokens_.size(); }
  const Token &peek(size_t ahead = 0) const {
    static const Token kEnd{TokenKind::Punctuation, "", ""};
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : kEnd;
  }
  const Token &next() {
    if (at_end()) fail(std::string("unexpected end of ") + end_of_input_);
    return tokens_[pos_++];
  }
  bool accept(const char *punctuation) {
    if (!peek().is(punctuation)) return false;
    ++pos_;
    return true;
  }
  bool accept_word(const char *upper) {
    if (!peek().is_word(upper)) return false;
    ++pos_;
    return true;
  }
  void expect(const char *punctuation) {
    if (!accept(punctuation)) fail(std::string("expected \"") + punctuation + "\"");
  }
  void expect_word(const char *upper) {
    if (!accept_word(upper)) fail(std::string("expected ") + upper);
  }

  // Throws hangar::Error (42601) saying what was expected, and where.
  [[noreturn]] virtual void fail(const std::string &what) const = 0;

 protected:
  std::vector<Token> tokens_;
  size_t pos_ = 0;

 private:
  const char *end_of_input_;
};

}  // namespace hangar
