// The PostgreSQL zone's PgQuoter: PostgreSQL's own quote_identifier and quote_literal_cstr,
// called through pg_guard so that pure C++ code building SQL can use them safely.
#pragma once

#include "core/pg_names.hpp"

namespace hangar {

class PostgresQuoter : public PgQuoter {
 public:
  std::string ident(std::string_view name) const override;
  std::string literal(std::string_view text) const override;
};

}  // namespace hangar
