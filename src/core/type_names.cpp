// Spelling of PostgreSQL type names (see type_names.hpp).
#include "core/type_names.hpp"

#include "core/value_kinds.hpp"

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

// Replaces prefix `from` by `to` and moves a " with time zone" / " without time zone" suffix
// into the short name: "timestamp(3) with time zone" -> "timestamptz(3)".
bool shorten(const std::string &in, const std::string &from, const std::string &to, std::string *out) {
  if (in.rfind(from, 0) != 0) return false;
  *out = to + in.substr(from.size());
  return true;
}

std::string strip_suffix(std::string s, const std::string &suffix, bool *had) {
  *had = s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  if (*had) s.resize(s.size() - suffix.size());
  return s;
}

}  // namespace

std::string short_type_name(const std::string &canonical) {
  bool with_zone, without_zone;
  std::string s = strip_suffix(canonical, " with time zone", &with_zone);
  s = strip_suffix(s, " without time zone", &without_zone);
  std::string out;
  if (shorten(s, "timestamp", with_zone ? "timestamptz" : "timestamp", &out)) return out;
  if (shorten(s, "time", with_zone ? "timetz" : "time", &out)) return out;
  if (shorten(s, "character varying", "varchar", &out)) return out;
  if (shorten(s, "character", "char", &out)) return out;
  return canonical;
}

std::string base_type_name(const std::string &type) { return type.substr(0, type.find('(')); }

bool is_mappable_base_type(const std::string &base) {
  for (const char *t : {"integer", "bigint", "smallint", "varchar", "char", "text", "boolean", "timestamp",
                        "timestamptz", "date", "time", "numeric", "double precision", "real", "json", "jsonb",
                        "bytea", "uuid"})
    if (base == t) return true;
  return false;
}

bool is_text_type(const std::string &pg_type) {
  return pg_type == "text" || pg_type.rfind("varchar", 0) == 0 || pg_type.rfind("char", 0) == 0;
}

bool is_integer_type(const std::string &pg_type) {
  return pg_type == "integer" || pg_type == "bigint" || pg_type == "smallint";
}

std::string with_time_zone(const std::string &timestamp_type) {
  return "timestamptz" + timestamp_type.substr(std::string("timestamp").size());
}

ValueKind kind_of_pg_type(const std::string &pg_type, bool is_enum) {
  if (is_enum) return ValueKind::Enum;
  std::string base = base_type_name(pg_type);
  if (is_integer_type(base)) return ValueKind::Integer;
  if (base == "double precision" || base == "real") return ValueKind::Real;
  if (base == "numeric") return ValueKind::Decimal;
  if (base == "boolean") return ValueKind::Boolean;
  if (is_text_type(pg_type)) return ValueKind::Text;
  if (base == "bytea") return ValueKind::Blob;
  if (base == "timestamp" || base == "timestamptz" || base == "date" || base == "time" || base == "timetz")
    return ValueKind::Temporal;
  if (base == "json" || base == "jsonb") return ValueKind::Json;
  if (base == "uuid") return ValueKind::Uuid;
  return ValueKind::Other;
}

}  // namespace hangar
