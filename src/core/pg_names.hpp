// PostgreSQL-side names for SQLite objects, and the quoting interface pure C++ code uses to
// build SQL. PostgreSQL keeps 63 bytes of an identifier; longer SQLite names are shortened
// deterministically (a prefix plus a hash of the whole name), so two long names sharing a prefix
// stay distinct and the same name always maps to the same identifier.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hangar {

constexpr size_t kMaxPgIdentifierBytes = 63;

// The name unchanged when it fits in 63 bytes, else a 54-byte prefix (cut at a UTF-8 character
// boundary), "_" and eight hex digits of a hash of the full name.
std::string pg_identifier(std::string_view name);

// PostgreSQL names for a table's columns, in order: pg_identifier of each, and a name PostgreSQL
// reserves for a system column (ctid, xmin, xmax, cmin, cmax, tableoid) gets a "_" appended until
// it is unique within the table, deterministically, so the migration and IMPORT FOREIGN SCHEMA
// agree. The caller reports each name that changed.
std::vector<std::string> pg_column_names(const std::vector<std::string> &sqlite_names);

// How pure C++ code quotes names and literals: the PostgreSQL zone implements it with
// quote_identifier and quote_literal_cstr, so the keyword list is PostgreSQL's own.
class PgQuoter {
 public:
  virtual ~PgQuoter() = default;
  virtual std::string ident(std::string_view name) const = 0;
  virtual std::string literal(std::string_view text) const = 0;
  // schema.name, both quoted.
  std::string qualified(std::string_view schema, std::string_view name) const { return ident(schema) + "." + ident(name); }
};

}  // namespace hangar
