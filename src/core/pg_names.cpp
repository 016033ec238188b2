// Deterministic shortening of identifiers to PostgreSQL's 63-byte limit.
#include "core/pg_names.hpp"

#include <cstdint>
#include <cstdio>

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::string pg_identifier(std::string_view name) {
  if (name.size() <= kMaxPgIdentifierBytes) return std::string(name);
  size_t cut = kMaxPgIdentifierBytes - 9;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", fnv1a(name));
  return std::string(name.substr(0, cut)) + suffix;
}

std::vector<std::string> pg_column_names(const std::vector<std::string> &sqlite_names) {
  static const char *const kSystemColumns[] = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"};
  std::vector<std::string> names;
  for (const std::string &n : sqlite_names) names.push_back(pg_identifier(n));
  for (std::string &name : names) {
    bool reserved = false;
    for (const char *system : kSystemColumns) reserved = reserved || name == system;
    if (!reserved) continue;
    std::string candidate = name;
    for (bool taken = true; taken;) {
      candidate += "_";
      taken = false;
      for (const std::string &other : names) taken = taken || other == candidate;
    }
    name = candidate;
  }
  return names;
}

}  // namespace hangar
