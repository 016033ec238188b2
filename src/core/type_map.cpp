// Declared-type mapping. A declared type is free text in SQLite ("VARCHAR(20)", "UNSIGNED BIG
// INT", "NUMERIC(12, 2)"); it is normalised to upper-case words plus an optional argument list,
// then looked up in one table. README.md carries the same table for users.
#include "core/type_map.hpp"

#include "core/pg_limits.hpp"

#include <cctype>
#include <vector>

#include "core/ascii_case.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

struct DeclaredType {
  std::string base;               // upper-case words separated by single spaces
  std::vector<std::string> args;  // the parenthesised arguments, trimmed
  bool well_formed = true;
};

DeclaredType parse_declared(std::string_view text) {
  DeclaredType t;
  std::string words;
  size_t i = 0;
  bool pending_space = false;
  for (; i < text.size() && text[i] != '('; ++i) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !words.empty();
      continue;
    }
    if (pending_space) words += ' ';
    pending_space = false;
    words += ascii_upper(c);
  }
  t.base = words;
  if (i < text.size()) {
    size_t close = text.find(')', i);
    if (close == std::string_view::npos) {
      t.well_formed = false;
      return t;
    }
    std::string current;
    for (size_t j = i + 1; j < close; ++j) {
      char c = text[j];
      if (c == ',') {
        t.args.push_back(current);
        current.clear();
      } else if (!std::isspace(static_cast<unsigned char>(c))) {
        current += c;
      }
    }
    t.args.push_back(current);
    for (size_t j = close + 1; j < text.size(); ++j)
      if (!std::isspace(static_cast<unsigned char>(text[j]))) t.well_formed = false;
  }
  return t;
}

bool all_digits(const std::string &s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// varchar(n) or char(n) for a length PostgreSQL takes (1 to 10485760); else the type without a
// length, which for char is text (PostgreSQL's bare char is char(1)), with a note saying why.
std::string with_length(const char *pg_name, const DeclaredType &t, std::string *note) {
  bool is_char = std::string(pg_name) == "char";
  if (t.args.empty()) return is_char ? "text" : pg_name;
  if (t.args.size() == 1 && all_digits(t.args[0])) {
    long n = std::stol(t.args[0]);
    if (n >= 1 && n <= kMaxPgCharLength) return std::string(pg_name) + "(" + t.args[0] + ")";
    *note = n < 1 ? "a length of 0, which PostgreSQL's types lack (SQLite enforces none)"
                  : "a length beyond PostgreSQL's " + std::to_string(kMaxPgCharLength) + " (SQLite enforces none)";
  }
  return is_char ? "text" : pg_name;
}

std::string numeric_type(const DeclaredType &t) {
  if (t.args.size() == 1 && all_digits(t.args[0])) {
    long p = std::stol(t.args[0]);
    if (p >= 1 && p <= 1000) return "numeric(" + t.args[0] + ")";
  }
  if (t.args.size() == 2 && all_digits(t.args[0]) && all_digits(t.args[1])) {
    long p = std::stol(t.args[0]);
    long s = std::stol(t.args[1]);
    if (p >= 1 && p <= 1000 && s >= 0 && s <= p) return "numeric(" + t.args[0] + "," + t.args[1] + ")";
  }
  return "numeric";
}

std::string float_type(const DeclaredType &t) {
  if (t.args.size() == 1 && all_digits(t.args[0])) {
    long p = std::stol(t.args[0]);
    if (p >= 1 && p <= 24) return "real";
  }
  return "double precision";
}

std::string time_type(const char *pg_name, const DeclaredType &t) {
  if (t.args.size() == 1 && all_digits(t.args[0]) && std::stol(t.args[0]) <= 6)
    return std::string(pg_name) + "(" + t.args[0] + ")";
  return pg_name;
}

// The table. Returns an empty string for a base name it does not know.
std::string lookup(const DeclaredType &t, std::string *note) {
  const std::string &b = t.base;
  if (b == "INTEGER" || b == "INT" || b == "INT4" || b == "MEDIUMINT") return "integer";
  if (b == "SMALLINT" || b == "INT2" || b == "TINYINT") return "smallint";
  if (b == "BIGINT" || b == "INT8" || b == "UNSIGNED BIG INT") return "bigint";
  if (b == "VARCHAR" || b == "CHARACTER VARYING" || b == "VARYING CHARACTER" || b == "NVARCHAR" ||
      b == "NATIVE CHARACTER VARYING")
    return with_length("varchar", t, note);
  // without a length SQLite's CHAR holds text of any length, where PostgreSQL's char is char(1)
  if (b == "CHAR" || b == "CHARACTER" || b == "NCHAR" || b == "NATIVE CHARACTER") return with_length("char", t, note);
  if (b == "TEXT" || b == "CLOB" || b == "TINYTEXT" || b == "MEDIUMTEXT" || b == "LONGTEXT") return "text";
  if (b == "BOOLEAN" || b == "BOOL") return "boolean";
  if (b == "DATETIME" || b == "TIMESTAMP" || b == "TIMESTAMP WITHOUT TIME ZONE") return time_type("timestamp", t);
  if (b == "TIMESTAMPTZ" || b == "TIMESTAMP WITH TIME ZONE") return time_type("timestamptz", t);
  if (b == "DATE") return "date";
  if (b == "TIME" || b == "TIME WITHOUT TIME ZONE") return time_type("time", t);
  if (b == "NUMERIC" || b == "DECIMAL") return numeric_type(t);
  if (b == "REAL" || b == "DOUBLE" || b == "DOUBLE PRECISION" || b == "FLOAT8") return "double precision";
  if (b == "FLOAT") return float_type(t);
  if (b == "FLOAT4") return "real";
  if (b == "JSON") return "json";
  if (b == "JSONB") return "jsonb";
  if (b == "BLOB" || b == "BYTEA" || b == "BINARY" || b == "VARBINARY" || b == "LARGEBINARY") return "bytea";
  if (b == "UUID") return "uuid";
  return {};
}

}  // namespace

Affinity affinity_of(std::string_view declared_type) {
  std::string t = ascii_upper(declared_type);
  if (t.find("INT") != std::string::npos) return Affinity::Integer;
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos)
    return Affinity::Text;
  if (t.find("BLOB") != std::string::npos || t.empty()) return Affinity::Blob;
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos)
    return Affinity::Real;
  return Affinity::Numeric;
}

TypeMapping map_declared_type(std::string_view declared_type) {
  TypeMapping m;
  DeclaredType t = parse_declared(declared_type);
  // STRICT tables' ANY keeps every value as it is given, as no declared type does
  if ((t.base.empty() || t.base == "ANY") && t.args.empty()) {
    m.untyped = true;
    return m;
  }
  if (t.well_formed) m.pg_type = lookup(t, &m.note);
  if (!m.pg_type.empty()) return m;
  m.known = false;
  switch (affinity_of(declared_type)) {
    case Affinity::Integer: m.pg_type = "bigint"; break;
    case Affinity::Text: m.pg_type = "text"; break;
    case Affinity::Blob: m.pg_type = "bytea"; break;
    case Affinity::Real: m.pg_type = "double precision"; break;
    case Affinity::Numeric: m.pg_type = "numeric"; break;
  }
  return m;
}

bool holds_storage_classes(const std::string &pg_type, const StorageClasses &c) {
  if (pg_type == "bytea") return !(c.integer || c.real || c.text);
  if (pg_type == "text") return !c.blob;
  if (pg_type == "numeric" || pg_type == "double precision") return !(c.text || c.blob);
  if (pg_type == "bigint") return !(c.real || c.text || c.blob);
  return true;
}

std::string pg_type_for_storage_classes(const StorageClasses &c) {
  if (c.blob) return (c.integer || c.real || c.text) ? "text" : "bytea";
  if (c.text) return "text";
  if (c.real) return c.integer ? "numeric" : "double precision";
  if (c.integer) return "bigint";
  return "text";
}

}  // namespace hangar

