// What a translated SQL value is, as far as the translator needs to know to keep SQLite's
// meaning: the kind of a PostgreSQL column type, and a translated piece of SQL with its kind.
// SQLite decides comparisons, arithmetic and concatenation by the values' storage classes; the
// translator decides by these kinds whether PostgreSQL computes the same, and refuses otherwise.
#pragma once

#include <string>

namespace hangar {

enum class ValueKind {
  Unknown,   // nothing known: only passed through where any kind means the same
  Null,      // the NULL literal
  Boolean,   // boolean (SQLite keeps 0 and 1)
  Integer,   // smallint, integer, bigint
  Real,      // real, double precision
  Decimal,   // numeric
  Text,      // text, varchar, char
  Enum,      // an enum type made from a CHECK (compares as text for equality only)
  Blob,      // bytea
  Temporal,  // date, time, timestamp, timestamptz (SQLite keeps text or numbers)
  Json,      // json, jsonb (SQLite keeps text)
  Uuid,
  Other
};

// The kind of a PostgreSQL type as the planner spells it ("varchar(20)", "numeric(12,2)",
// "app.order_state" for an enum it made; is_enum says so).
ValueKind kind_of_pg_type(const std::string &pg_type, bool is_enum = false);

inline bool is_numeric_kind(ValueKind k) {
  return k == ValueKind::Integer || k == ValueKind::Real || k == ValueKind::Decimal;
}
inline bool is_textual_kind(ValueKind k) { return k == ValueKind::Text || k == ValueKind::Enum; }

// A piece of translated SQL and what it yields.
struct Typed {
  std::string sql;
  ValueKind kind = ValueKind::Unknown;
  std::string pg_type;     // the PostgreSQL type when known (a column's, a cast's); else empty
  std::string collation;   // SQLite's collation in force (a column's or a COLLATE's); empty: BINARY
  bool literal = false;    // a literal of the SQL text (number, string, blob, NULL, TRUE/FALSE)
  bool column = false;     // a column reference with an affinity (SQLite applies it to what it meets)
  bool aggregate = false;  // contains an aggregate call
};

}  // namespace hangar
