// A stand-in for PostgreSQL's quoting in unit tests: quotes every identifier, so expected SQL
// shows plainly which words are names.
#pragma once

#include <string>
#include <string_view>

#include "core/pg_names.hpp"

class TestQuoter : public hangar::PgQuoter {
 public:
  std::string ident(std::string_view name) const override {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  std::string literal(std::string_view text) const override {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
};
