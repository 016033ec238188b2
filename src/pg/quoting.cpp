// PostgresQuoter (see quoting.hpp).
#include "pg/quoting.hpp"

#include "pg/error_bridge.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace hangar {

std::string PostgresQuoter::ident(std::string_view name) const {
  char *copy = palloc_string(name);
  const char *quoted = pg_guard([&] { return quote_identifier(copy); });
  return std::string(quoted);
}

std::string PostgresQuoter::literal(std::string_view text) const {
  char *copy = palloc_string(text);
  const char *quoted = pg_guard([&] { return static_cast<const char *>(quote_literal_cstr(copy)); });
  return std::string(quoted);
}

}  // namespace hangar
