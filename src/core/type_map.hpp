// Declared SQLite column type -> PostgreSQL type, as the app's SQLAlchemy models would create
// the column on PostgreSQL (DESIGN.md principle 4). Unknown declared types fall back by SQLite's
// own affinity rules (https://www.sqlite.org/datatype3.html, section 3.1) and say so.
#pragma once

#include <string>
#include <string_view>

namespace hangar {

enum class Affinity { Integer, Text, Blob, Real, Numeric };

// SQLite's affinity for a declared type, by the five rules of datatype3.html 3.1.
Affinity affinity_of(std::string_view declared_type);

struct TypeMapping {
  std::string pg_type;   // SQL text of the PostgreSQL type, e.g. "varchar(20)", "numeric(12,2)"
  bool known = true;     // false: the declared type is not in our table, pg_type came from affinity
  bool untyped = false;  // true: no declared type; the caller decides from the stored values
  std::string note;      // why a known type maps otherwise than its declaration says (a length)
};

TypeMapping map_declared_type(std::string_view declared_type);

// Storage classes actually found in a column without a declared type, or of one we do not know.
struct StorageClasses {
  bool integer = false;
  bool real = false;
  bool text = false;
  bool blob = false;
};

// The narrowest PostgreSQL type that holds every value of these storage classes exactly.
std::string pg_type_for_storage_classes(const StorageClasses &classes);
// Whether a type map_declared_type gives by affinity (bigint, text, bytea, double precision,
// numeric) holds every value of these storage classes.
bool holds_storage_classes(const std::string &pg_type, const StorageClasses &classes);

}  // namespace hangar
